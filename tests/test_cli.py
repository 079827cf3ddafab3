"""The `vagvisare` command as users and scripts call it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from vagvisare.cli import main


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def answers_file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- check ----------------------------------------------------------------------------


def test_check_is_clean_on_the_shipped_knowledge_base():
    result = run("check")
    assert result.exit_code == 0, result.output
    assert " 0 errors" in result.output


def test_check_reports_file_line_and_fix_and_fails(tiny_kb):
    rules = tiny_kb / "rules/demo/rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("fact: demo.is_software", "fact: demo.is_sofware"), encoding="utf-8")
    result = run("check", "--kb", str(tiny_kb))
    assert result.exit_code == 1
    assert (
        "rules/demo/rules.yaml:40: error: rule 'demo.software' reads unknown fact 'demo.is_sofware' — did you mean 'demo.is_software'?"
        in result.output
    )


def test_check_warnings_do_not_fail(tiny_kb):
    sources = tiny_kb / "knowledge_base/sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8") + "  - id: spare\n    title: {sv: X, en: X}\n    citation: X\n    version: '1'\n",
        encoding="utf-8",
    )
    result = run("check", "--kb", str(tiny_kb))
    assert result.exit_code == 0 and "warning: source 'spare' is never cited" in result.output


# --- evaluate -------------------------------------------------------------------------


def test_evaluate_prints_one_json_object_per_file_in_order(tiny_kb, tmp_path):
    first = answers_file(tmp_path, "a.yaml", "demo.is_software: false\ndemo.purpose: wellness\ndemo.weight: 3\n")
    second = answers_file(tmp_path, "b.yaml", "demo.purpose: medical\n")
    result = run("evaluate", "demo", "--answers", first, second, "--kb", str(tiny_kb))
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    a, b = map(json.loads, lines)
    assert set(a) >= {"module", "complete", "next_question", "conclusions", "recommendations", "unused_answers", "trace"}
    assert a["module"] == "demo" and a["complete"] is True and a["next_question"] is None
    assert a["conclusions"] == {"demo.verdict": "low"}
    assert a["unused_answers"] == {"demo.weight": 3}  # not asked: the purpose is not medical
    assert a["trace"] == [{"rule": "demo.low", "matched": {"demo.purpose": "wellness"}}]
    assert b["complete"] is False and b["next_question"] == "demo.is_software" and b["conclusions"] == {}


def test_evaluate_accepts_several_answers_options(tiny_kb, tmp_path):
    f1 = answers_file(tmp_path, "a.yaml", "demo.is_software: true\n")
    f2 = answers_file(tmp_path, "b.yaml", "demo.is_software: false\ndemo.purpose: wellness\n")
    result = run("evaluate", "demo", "--answers", f1, "--answers", f2, "--kb", str(tiny_kb))
    conclusions = [json.loads(line)["conclusions"] for line in result.output.strip().splitlines()]
    assert conclusions == [{"demo.verdict": "high"}, {"demo.verdict": "low"}]


def test_evaluate_rejects_an_unknown_fact_with_exit_2(tiny_kb, tmp_path):
    bad = answers_file(tmp_path, "bad.yaml", "demo.is_software: true\ndemo.purpse: medical\n")
    result = CliRunner().invoke(main, ["evaluate", "demo", "--answers", bad, "--kb", str(tiny_kb)])
    assert result.exit_code == 2
    assert f"{bad}:2: error: unknown fact 'demo.purpse' — did you mean 'demo.purpose'?" in result.output


def test_evaluate_rejects_wrong_types_and_choices(tiny_kb, tmp_path):
    bad = answers_file(tmp_path, "bad.yaml", "demo.is_software: maybe\ndemo.purpose: medicinal\ndemo.weight: heavy\n")
    result = CliRunner().invoke(main, ["evaluate", "demo", "--answers", bad, "--kb", str(tiny_kb)])
    assert result.exit_code == 2
    assert ":1: error: 'demo.is_software' is a yes/no question" in result.output
    assert ":2: error: 'medicinal' is not a choice of 'demo.purpose' — did you mean 'medical'?" in result.output
    assert ":3: error: 'demo.weight' takes a number" in result.output


def test_evaluate_rejects_broken_yaml_with_exit_2(tiny_kb, tmp_path):
    bad = answers_file(tmp_path, "bad.yaml", "demo.is_software: [true\n")
    result = CliRunner().invoke(main, ["evaluate", "demo", "--answers", bad, "--kb", str(tiny_kb)])
    assert result.exit_code == 2 and "not valid YAML" in result.output


def test_evaluate_dont_know_reports_conditional_conclusions(tiny_kb, tmp_path):
    f = answers_file(tmp_path, "dk.yaml", "demo.is_software: false\ndemo.purpose: medical\ndemo.weight: dont_know\n")
    data = json.loads(run("evaluate", "demo", "--answers", f, "--kb", str(tiny_kb)).output)
    u = data["uncertainty"]
    assert u["unknown_answers"] == ["demo.weight"] and u["key_unknowns"] == ["demo.weight"]
    values = {option["value"] for option in u["conditional"]["demo.verdict"]}
    assert values == {"high", "low"}


def test_evaluate_markdown_explains_in_english_and_swedish(tiny_kb, tmp_path):
    f = answers_file(tmp_path, "a.yaml", "demo.is_software: false\ndemo.purpose: medical\ndemo.weight: 12\n")
    en = run("evaluate", "demo", "--answers", f, "--format", "markdown", "--lang", "en", "--kb", str(tiny_kb)).output
    sv = run("evaluate", "demo", "--answers", f, "--format", "markdown", "--kb", str(tiny_kb)).output
    assert (
        "**Heavy** — Heavy." in en and "SFS 1949:345, 2 §" in en and "*Rests on your answers:* Purpose?: **Medical**; Weight?: **12**" in en
    )
    assert "This is guidance, not legal advice" in en and "--full" in en
    assert "**Tung** — Tung." in sv and "Vikt?: **12**" in sv and "inte juridisk rådgivning" in sv
    full = run("evaluate", "demo", "--answers", f, "--format", "markdown", "--full", "--lang", "en", "--kb", str(tiny_kb)).output
    assert "**The full reasoning:**" in full and "- Verdict → High: **Heavy**" in full


def test_evaluate_unknown_module_exits_2():
    result = CliRunner().invoke(main, ["evaluate", "nosuch", "--answers", "x.yaml"])
    assert result.exit_code == 2 and "unknown module 'nosuch'" in result.output


# --- test -----------------------------------------------------------------------------


def test_test_command_passes_on_the_shipped_cases():
    result = run("test", "mdr")
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output


def test_test_command_shows_expected_actual_and_trace(tiny_kb):
    tests = tiny_kb / "rules/demo/tests"
    tests.mkdir()
    (tests / "cases.yaml").write_text(
        "cases:\n"
        "  - id: wrong\n    answers: {demo.is_software: false, demo.purpose: wellness}\n    expected: {demo.verdict: high}\n"
        "  - id: right\n    answers: {demo.is_software: false, demo.purpose: wellness}\n    expected: {demo.verdict: low}\n"
        "    rules_fired: [demo.low]\n    sources_cited: [act]\n    complete: true\n",
        encoding="utf-8",
    )
    result = run("test", "--kb", str(tiny_kb), "--coverage")
    assert result.exit_code == 1
    assert "FAIL wrong" in result.output and "demo.verdict: expected high, got low" in result.output
    assert "trace: demo.low" in result.output
    assert "1 passed, 1 failed" in result.output
    assert "rule never fired: demo.heavy" in result.output and "condition never true: demo.heavy: demo.weight > 10" in result.output


def test_test_command_fails_a_right_answer_for_the_wrong_reason(tiny_kb):
    tests = tiny_kb / "rules/demo/tests"
    tests.mkdir()
    (tests / "cases.yaml").write_text(
        "cases:\n  - id: reason\n    answers: {demo.is_software: true}\n    expected: {demo.verdict: high}\n    rules_fired: [demo.heavy]\n",
        encoding="utf-8",
    )
    result = run("test", "--kb", str(tiny_kb))
    assert result.exit_code == 1 and "rule demo.heavy was expected to fire but did not" in result.output


# --- consult --------------------------------------------------------------------------


def test_consult_through_stdin_with_why_back_and_help(tiny_kb):
    typed = "varför\nnej\ntillbaka\nhjälp\nnej\n1\n12\n"
    result = run("consult", "demo", "--kb", str(tiny_kb), input=typed)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("Fråga 1: Är det programvara?") == 4  # asked, then again after 'varför', 'tillbaka' and 'hjälp'
    assert "Svaret kan ännu ändra: Utslag." in out  # why, as plain text
    assert "Svaret behövs av regeln Programvara (SFS 1949:345, 4 §)" in out
    assert "Fråga 2: Syfte?" in out and "Fråga 3: Vikt?" in out
    assert "Tung — Tung." in out and "[" not in out.split("Slutsatser")[1] and "inte juridisk rådgivning" in out


def test_consult_in_english_understands_dont_know(tiny_kb):
    result = run("consult", "demo", "--lang", "en", "--kb", str(tiny_kb), input="no\n1\ndon't know\n")
    assert result.exit_code == 0, result.output
    assert "Conclusions that depend on what you don't know" in result.output


def test_consult_rejects_nonsense_and_asks_again(tiny_kb):
    result = run("consult", "demo", "--lang", "en", "--kb", str(tiny_kb), input="perhaps\nno\n2\n")
    assert "I did not understand the answer." in result.output
    assert result.output.count("Question 1: Is it software?") == 2 and result.exit_code == 0


def test_consult_quit_and_end_of_input_stop_cleanly(tiny_kb):
    assert run("consult", "demo", "--kb", str(tiny_kb), input="avsluta\n").exit_code == 0
    result = run("consult", "demo", "--kb", str(tiny_kb), input="")
    assert result.exit_code == 1 and "Inga svar sparades" in result.output


def test_consult_mdr_in_english_to_the_end():
    # A clinician's software idea that only stores data: two questions decide it.
    result = run("consult", "mdr", "--lang", "en", input="yes\n1\n1\nno\n")
    assert result.exit_code == 0, result.output
    assert "No – not a medical device" in result.output
    assert "MDCG 2019-11 rev.1, section 3.3, decision step 3" in result.output


def test_evaluate_why_not_names_the_condition_that_failed(tiny_kb, tmp_path):
    f = answers_file(tmp_path, "a.yaml", "demo.is_software: false\ndemo.purpose: medical\ndemo.weight: 3\n")
    data = json.loads(run("evaluate", "demo", "--answers", f, "--why-not", "demo.verdict=high", "--kb", str(tiny_kb)).output)
    rules = {r["rule"]: r for r in data["why_not"][0]["rules"]}
    assert rules["demo.heavy"] == {"rule": "demo.heavy", "status": "failed", "condition": "demo.weight > 10", "actual": 3}
    md = run(
        "evaluate", "demo", "--answers", f, "--why-not", "demo.verdict=high", "--format", "markdown", "--lang", "en", "--kb", str(tiny_kb)
    ).output
    assert "### Why not: Verdict → High?" in md and "High would need Weight?: 11, or Is it software?: Yes; you answered “3” and “No”." in md
    assert "`" not in md.split("### Why not")[1] and "demo." not in md.split("### Why not")[1]
    assert data["why_not"][0]["text"].startswith("Hög skulle kräva Vikt?: 11, eller Är det programvara?: Ja")


def test_evaluate_why_not_rejects_an_unknown_conclusion(tiny_kb, tmp_path):
    f = answers_file(tmp_path, "a.yaml", "demo.is_software: false\n")
    result = CliRunner().invoke(main, ["evaluate", "demo", "--answers", f, "--why-not", "demo.verdikt=high", "--kb", str(tiny_kb)])
    assert result.exit_code == 2 and "did you mean 'demo.verdict'?" in result.output
