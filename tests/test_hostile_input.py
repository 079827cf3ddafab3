"""Hostile input gets a one-line error and exit 2 (1 for the knowledge base), within seconds
and a bounded amount of memory, never a traceback."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TINY, write_kb

from engine.loader import load
from explanations.render import to_html
from vagvisare.cli import main

#: A few hundred bytes of nested aliases that expand to billions of items.
BILLION_LAUGHS = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
    for i in range(8)
)


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def cli_process(args: list[str], timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    """The real command in its own process, with at most 1 GB of memory and `timeout` seconds."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(
        [sys.executable, "-m", "vagvisare.cli", *args], capture_output=True, text=True, timeout=timeout, preexec_fn=limit, **kwargs
    )


def assert_clean_refusal(result, code: int = 2, *words: str) -> None:
    output = result.output if hasattr(result, "output") else result.stdout + result.stderr
    exit_code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert exit_code == code, output
    assert "Traceback" not in output
    for word in words:
        assert word in output, output


def test_nested_aliases_are_refused_before_they_expand(tiny_kb, tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    assert len(BILLION_LAUGHS) < 700
    result = cli_process(["evaluate", "demo", "--kb", str(tiny_kb), "--answers", str(path)], timeout=30)
    assert_clean_refusal(result, 2, "anchors and aliases", f"{path}:1")
    assert len(result.stderr) < 400  # the message does not print the expanded value


def test_a_huge_answers_file_is_refused_by_its_size(tiny_kb, tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("w", encoding="utf-8") as handle:
        for n in range(2_500_000):  # about 50 MB of unknown keys
            handle.write(f"k{n:019d}: 1\n")
    result = cli_process(["evaluate", "demo", "--kb", str(tiny_kb), "--answers", str(path)], timeout=30)
    assert_clean_refusal(result, 2, "larger than 1 MB")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_an_endless_answers_file_is_refused(tiny_kb):
    result = cli_process(["evaluate", "demo", "--kb", str(tiny_kb), "--answers", "/dev/zero"], timeout=30)
    assert_clean_refusal(result, 2, "larger than 1 MB")


def test_many_unknown_keys_are_counted_not_all_explained(tiny_kb, tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text("".join(f"demo.unknown_{n}: 1\n" for n in range(30_000)), encoding="utf-8")
    result = cli_process(["evaluate", "demo", "--kb", str(tiny_kb), "--answers", str(path)], timeout=30)
    assert_clean_refusal(result, 2, "and 29980 more problems")
    assert len(result.stderr.splitlines()) == 21


@pytest.mark.parametrize(
    "text, words",
    [
        ("{[a]: 1}\n", ["a key must be a plain text"]),
        ("demo.purpose: " + "x" * 5000 + "\n", ["is not a choice of 'demo.purpose'", "…"]),
        ("- a\n- b\n", ["answers must be a mapping"]),
        ("demo.is_software: " + "[" * 100 + "]" * 100 + "\n", ["yes/no question"]),
        ("demo.is_software: " + "[" * 20_000 + "]" * 20_000 + "\n", ["nested too deeply"]),
        ("demo.is_software: .nan\n", ["yes/no question"]),
        ("demo.weight: .nan\ndemo.purpose: medical\n", ["takes a number"]),
        ("\xff\xfe", ["UTF-8"]),
    ],
)
def test_malformed_answers_get_one_clear_line_each(tiny_kb, tmp_path, text, words):
    path = tmp_path / "bad.yaml"
    path.write_bytes(text.encode("latin-1") if text.startswith("\xff") else text.encode("utf-8"))
    result = run("evaluate", "demo", "--kb", str(tiny_kb), "--answers", str(path))
    assert_clean_refusal(result, 2, *words)
    for line in result.output.splitlines():
        assert len(line) < 400


def test_an_unknown_engine_from_the_environment_is_an_input_error(tiny_kb):
    result = run("check", "--kb", str(tiny_kb))
    assert result.exit_code == 0
    result = run("test", "--kb", str(tiny_kb), env={"VAGVISARE_ENGINE": "bogus"})
    assert_clean_refusal(result, 2, "VAGVISARE_ENGINE", "unknown engine 'bogus'", "choose one of: experta, clips")


def test_graph_into_a_missing_folder_is_an_input_error():
    result = run("graph", "--output", "/no/such/dir/x.svg")
    assert_clean_refusal(result, 2, "--output", "cannot write /no/such/dir/x.svg")


def test_check_refuses_a_rule_the_default_backend_cannot_run(tmp_path):
    files = dict(TINY)
    anys = "".join(
        """
                - any:
                    - {fact: demo.is_software, equals: true}
                    - {fact: demo.purpose, equals: wellness}"""
        for _ in range(13)
    )
    files["rules/demo/big.yaml"] = f"""
        rules:
          - id: demo.big
            title: {{sv: Stor, en: Big}}
            when:
              all:{anys}
            then:
              conclude: {{demo.verdict: high}}
            because: {{sv: Stor., en: Big.}}
            sources: [{{source: act, pinpoint: 9 §}}]
        """
    root = write_kb(tmp_path, files)
    result = run("check", "--kb", str(root))
    assert_clean_refusal(result, 1, "rules/demo/big.yaml:2", "more than 4096 alternatives", "split it")


def test_check_refuses_a_source_link_that_is_not_a_web_address(tmp_path):
    files = dict(TINY)
    files["knowledge_base/sources.yaml"] = files["knowledge_base/sources.yaml"].replace("https://example.org/act", "'javascript:alert(1)'")
    _, problems = load(write_kb(tmp_path, files), strict=False)
    assert any("must be a web address" in p.message and p.file == "knowledge_base/sources.yaml" for p in problems)


def test_html_is_sanitised_whatever_the_markdown():
    html = to_html("[x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)> **ok** [web](https://example.org)")
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html and "<img" not in html
    assert "<strong>ok</strong>" in html and 'href="https://example.org"' in html


def test_answers_from_standard_input(tiny_kb):
    result = CliRunner().invoke(main, ["evaluate", "demo", "--kb", str(tiny_kb), "--answers", "-"], input="demo.is_software: true\n")
    assert result.exit_code == 0, result.output
    assert '"demo.verdict": "high"' in result.output


def test_no_arguments_prints_help_and_the_guides():
    result = run()
    assert result.exit_code == 0
    assert "Usage:" in result.output and "Guides (MODULE):" in result.output and "mdr" in result.output


def test_version_and_short_help():
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("vagvisare ") and "knowledge base" in result.output
    assert run("evaluate", "-h").exit_code == 0


def test_a_broken_knowledge_base_is_exit_1_not_a_traceback(tiny_kb):
    (tiny_kb / "rules/demo/rules.yaml").write_text("rules: [", encoding="utf-8")
    result = run("evaluate", "demo", "--kb", str(tiny_kb), "--answers", os.devnull)
    assert_clean_refusal(result, 1, "rules/demo/rules.yaml", "not valid YAML")
