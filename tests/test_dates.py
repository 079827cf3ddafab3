"""Law that knows its dates: the as-of date of a consultation, date questions, dead-law checks."""

from __future__ import annotations

import datetime
import json

import pytest
from click.testing import CliRunner
from conftest import TINY, write_kb

from engine.answers import check_value
from engine.backends import BACKENDS
from engine.compiler import compile_module
from engine.consultation import consult
from engine.kbtests import run_case
from engine.loader import load
from vagvisare.cli import main

DATED = {
    **TINY,
    "knowledge_base/questions/demo.yaml": TINY["knowledge_base/questions/demo.yaml"]
    + """
          - id: demo.agreement_signed
            type: date
            text: {sv: 'När skrevs avtalet?', en: 'When was the agreement signed?'}
        """,
    "rules/demo/dated.yaml": """
        rules:
          - id: demo.transition
            title: {sv: Övergång, en: Transition}
            when:
              all:
                - {fact: demo.is_software, equals: false}
                - {fact: as_of, at_most: 2027-12-31}
                - {fact: demo.agreement_signed, less_than: 2025-09-27}
            then:
              conclude: {demo.verdict: low}
            because: {sv: Övergången gäller till och med 2027-12-31., en: The transition runs until 31 Dec 2027.}
            sources: [{source: act, pinpoint: 5 §}]
          - id: demo.after
            title: {sv: Efter övergången, en: After the transition}
            when:
              all:
                - {fact: demo.is_software, equals: false}
                - {fact: as_of, greater_than: 2027-12-31}
            then:
              conclude: {demo.verdict: high}
            because: {sv: Övergången är slut., en: The transition is over.}
            sources: [{source: act, pinpoint: 6 §}]
        """,
}

ANSWERS = {"demo.is_software": False, "demo.purpose": "wellness", "demo.agreement_signed": datetime.date(2025, 5, 1)}


@pytest.fixture
def dated_kb(tmp_path):
    return write_kb(tmp_path, DATED)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_as_of_date_decides_dated_rules_on_every_backend(dated_kb, backend):
    kb, _ = load(dated_kb)
    compiled = compile_module(kb, "demo", backend)
    before = consult(compiled, ANSWERS, as_of=datetime.date(2027, 12, 31))
    after = consult(compiled, ANSWERS, as_of=datetime.date(2028, 1, 1))
    assert before.as_of == datetime.date(2027, 12, 31)
    assert before.conclusions == {"demo.verdict": "low"}
    assert [f.rule for f in before.trace] == ["demo.low"]
    assert after.conclusions == {"demo.verdict": "high"}
    assert [f.rule for f in after.trace] == ["demo.after"]  # high is the strictest: purpose no longer matters
    assert dict(after.trace[0].matched)["as_of"] == datetime.date(2028, 1, 1)
    assert "as_of" not in before.answers  # the date is not an answer


def test_the_default_as_of_is_today(dated_kb):
    kb, _ = load(dated_kb)
    outcome = consult(compile_module(kb, "demo"), ANSWERS)
    assert outcome.as_of == datetime.date.today()


def test_a_date_question_takes_a_date_or_its_iso_text(dated_kb):
    kb, _ = load(dated_kb)
    assert check_value(kb, "demo.agreement_signed", "2025-05-01") == (datetime.date(2025, 5, 1), "")
    assert check_value(kb, "demo.agreement_signed", datetime.date(2025, 5, 1)) == (datetime.date(2025, 5, 1), "")
    value, error = check_value(kb, "demo.agreement_signed", "1 May 2025")
    assert value is None and "YYYY-MM-DD" in error
    value, error = check_value(kb, "demo.agreement_signed", datetime.datetime(2025, 5, 1, 10, 0))
    assert value is None and "takes a date" in error


def test_dead_law_is_a_warning_from_its_end_date(dated_kb):
    _, problems = load(dated_kb, today=datetime.date(2030, 1, 1))
    dead = [p for p in problems if "can no longer fire" in p.message]
    assert [p.severity for p in dead] == ["warning"]
    assert "demo.transition" in dead[0].message and dead[0].file == "rules/demo/dated.yaml"
    _, problems = load(dated_kb, today=datetime.date(2026, 12, 1))
    assert not [p for p in problems if "can no longer fire" in p.message]


def test_law_not_yet_in_force_is_not_dead(tmp_path):
    files = dict(DATED)
    files["rules/demo/dated.yaml"] = files["rules/demo/dated.yaml"].replace("at_most: 2027-12-31", "at_least: 2030-12-31")
    files["rules/demo/dated.yaml"] = files["rules/demo/dated.yaml"].replace("greater_than: 2027-12-31", "less_than: 2030-12-31")
    _, problems = load(write_kb(tmp_path, files), today=datetime.date(2026, 12, 1))
    assert not [p for p in problems if "can no longer fire" in p.message]


def test_a_case_of_a_dated_module_must_say_its_date(dated_kb):
    (dated_kb / "rules/demo/tests").mkdir()
    (dated_kb / "rules/demo/tests/cases.yaml").write_text(
        "cases:\n"
        "  - id: undated\n"
        "    answers: {demo.is_software: false, demo.purpose: wellness}\n"
        "    expected: {demo.verdict: high}\n"
        "  - id: dated\n"
        "    as_of: 2028-06-01\n"
        "    answers: {demo.is_software: false, demo.purpose: wellness}\n"
        "    expected: {demo.verdict: high}\n",
        encoding="utf-8",
    )
    kb, problems = load(dated_kb, today=datetime.date(2026, 12, 1))
    undated = [p for p in problems if "does not say which date" in p.message]
    assert len(undated) == 1 and "'undated'" in undated[0].message and undated[0].severity == "warning"
    dated = next(c for c in kb.tests if c.id == "dated")
    assert dated.as_of == datetime.date(2028, 6, 1)
    assert run_case(compile_module(kb, "demo"), dated).passed


@pytest.mark.parametrize(
    "comparison, message",
    [
        ("{fact: as_of, at_least: 3}", "needs a date such as 2030-12-31"),
        ("{fact: demo.weight, at_least: 2030-12-31}", "needs a number"),
        ("{fact: as_of, contains: 2030-12-31}", "'contains' does not apply to the date fact 'as_of'"),
        ("{fact: as_of, at_least: 'soon'}", "needs a number or a date"),
    ],
)
def test_date_comparisons_are_checked(tmp_path, comparison, message):
    files = dict(DATED)
    files["rules/demo/dated.yaml"] = files["rules/demo/dated.yaml"].replace("{fact: as_of, at_most: 2027-12-31}", comparison)
    _, problems = load(write_kb(tmp_path, files), strict=False)
    assert any(message in p.message and p.file == "rules/demo/dated.yaml" and p.line > 0 for p in problems), problems


def test_an_answers_file_cannot_set_the_date(dated_kb, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("demo.is_software: false\nas_of: 2030-01-01\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "demo", "--kb", str(dated_kb), "--answers", str(answers)])
    assert result.exit_code == 2
    assert "--as-of" in result.output


def test_evaluate_reasons_as_of_the_date_given(dated_kb, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("demo.is_software: false\ndemo.purpose: wellness\ndemo.agreement_signed: 2025-05-01\n", encoding="utf-8")
    runner = CliRunner()
    args = ["evaluate", "demo", "--kb", str(dated_kb), "--answers", str(answers)]
    early = json.loads(runner.invoke(main, args + ["--as-of", "2027-06-01"]).output)
    late = json.loads(runner.invoke(main, args + ["--as-of", "2028-06-01"]).output)
    assert (early["as_of"], early["conclusions"]) == ("2027-06-01", {"demo.verdict": "low"})
    assert (late["as_of"], late["conclusions"]) == ("2028-06-01", {"demo.verdict": "high"})
    report = runner.invoke(main, args + ["--as-of", "2027-06-01", "--format", "markdown", "--lang", "en"]).output
    assert "The law applied as it stands on 2027-06-01." in report
    bad = runner.invoke(main, args + ["--as-of", "next year"])
    assert bad.exit_code == 2 and "'next year'" in bad.output
