"""The peer-learning scenario library (issue #14): validation in `check`, the shipped scenarios,
the reveal built from the real rule trace, the tally of participants' answers, and self-study
in the terminal (`vagvisare scenario`)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import TINY, shipped_kb, shipped_workspace, write_kb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import AnswerError
from engine.loader import load
from engine.model import ABSENT
from engine.scenarios import (
    MAX_DISCUSSION,
    SCENARIOS_DIR,
    check_response,
    check_scenario,
    expected_answers,
    expected_predictions,
    load_library,
    reveal_steps,
    scenario_outcome,
    tally,
)
from engine.session import Workspace
from explanations.how import how
from explanations.scenario_view import reveal_data, summary_markdown, tally_data
from vagvisare.cli import main

SCENARIO = """
    scenarios:
      - id: heavy-device
        title: {sv: Den tunga apparaten, en: The heavy device}
        narrative:
          sv: En sköterska bygger en tung apparat för vården.
          en: A nurse builds a heavy device for care.
        guide: demo
        answers:
          demo.is_software: false
          demo.purpose: medical
          demo.weight: 12
        misconception: {sv: Tunga saker är ofarliga., en: Heavy things are harmless.}
        key_questions: [demo.purpose, demo.weight]
        predict: [demo.verdict]
        discussion:
          - {sv: Varför spelar vikten roll?, en: Why does the weight matter?}
          - {sv: Vad händer med en lättare apparat?, en: What happens with a lighter device?}
        learning_points:
          - {sv: Vikten avgör., en: The weight decides.}
    """

FILE = f"{SCENARIOS_DIR}/demo.yaml"


def scenario_kb(root: Path, text: str = SCENARIO) -> Path:
    return write_kb(root, {FILE: text})


def errors(root: Path) -> list[str]:
    _, problems = load(root, strict=False)
    return [str(p) for p in problems if p.severity == "error"]


def broken(tiny_kb: Path, old: str, new: str) -> list[str]:
    text = textwrap.dedent(SCENARIO)
    assert old in text, old
    scenario_kb(tiny_kb, text.replace(old, new, 1))
    return errors(tiny_kb)


# --- validation ----------------------------------------------------------------------


def test_a_valid_scenario_loads_without_problems(tiny_kb):
    scenario_kb(tiny_kb)
    kb, problems = load(tiny_kb, strict=False)
    assert [str(p) for p in problems] == []
    library, _ = load_library(tiny_kb, kb)
    assert library.ids() == ["heavy-device"]
    assert library.get("heavy-device").key_questions == ("demo.purpose", "demo.weight")


def test_an_unknown_guide_is_an_error_with_did_you_mean(tiny_kb):
    assert broken(tiny_kb, "guide: demo", "guide: dmeo") == [
        f"{FILE}:7: error: unknown guide 'dmeo' in scenario 'heavy-device' — did you mean 'demo'?"
    ]


def test_an_invalid_answer_is_an_error_at_its_line(tiny_kb):
    assert broken(tiny_kb, "demo.purpose: medical", "demo.purpose: medicl") == [
        f"{FILE}:10: error: 'medicl' is not a choice of 'demo.purpose' (answers of scenario 'heavy-device') — did you mean 'medical'?"
    ]


def test_an_answer_of_another_kind_is_an_error(tiny_kb):
    assert broken(tiny_kb, "demo.weight: 12", "demo.weight: heavy") == [
        f"{FILE}:11: error: 'demo.weight' takes a number, not 'heavy' (answers of scenario 'heavy-device') — write e.g. demo.weight: 3"
    ]


def test_an_incomplete_result_is_an_error(tiny_kb):
    problems = broken(tiny_kb, "      demo.weight: 12\n", "")
    assert problems == [
        f"{FILE}:8: error: the guide asks 'demo.weight' on the path of scenario 'heavy-device', but its answers leave it out"
        " — add 'demo.weight:' with the answer the narrative implies",
        f"{FILE}:12: error: key question 'demo.weight' of scenario 'heavy-device' is not asked on the scenario's interview path"
        " — choose a question the guide asks on this path: demo.is_software, demo.purpose",
        f"{FILE}:13: error: the guide draws no conclusion 'demo.verdict' on the answers of scenario 'heavy-device', so it cannot be predicted"
        " — predict a goal that the guide decides with a value on this path",
    ]


def test_a_key_question_not_on_the_path_is_an_error(tiny_kb):
    text = textwrap.dedent(SCENARIO).replace("demo.purpose: medical\n      demo.weight: 12", "demo.purpose: wellness")
    scenario_kb(tiny_kb, text)
    assert errors(tiny_kb) == [
        f"{FILE}:12: error: key question 'demo.weight' of scenario 'heavy-device' is not asked on the scenario's interview path"
        " — choose a question the guide asks on this path: demo.is_software, demo.purpose"
    ]


def test_a_key_question_of_no_guide_question_is_an_error(tiny_kb):
    assert broken(tiny_kb, "key_questions: [demo.purpose, demo.weight]", "key_questions: [demo.purpose, demo.wieght]") == [
        f"{FILE}:13: error: key question 'demo.wieght' of scenario 'heavy-device' is not a question of the guide 'demo' — did you mean 'demo.weight'?"
    ]


def test_a_prediction_must_be_a_goal_of_the_guide(tiny_kb):
    assert broken(tiny_kb, "predict: [demo.verdict]", "predict: [demo.verdic]") == [
        f"{FILE}:14: error: 'demo.verdic' in 'predict' of scenario 'heavy-device' is not a goal of the guide 'demo' — did you mean 'demo.verdict'?"
    ]


def test_a_missing_language_is_an_error(tiny_kb):
    assert broken(tiny_kb, "      en: A nurse builds a heavy device for care.\n", "") == [
        f"{FILE}:5: error: 'narrative' of scenario 'heavy-device' has no 'en' — add 'en:'"
    ]
    assert broken(tiny_kb, "{sv: Vikten avgör., en: The weight decides.}", "{sv: Vikten avgör.}") == [
        f"{FILE}:19: error: 'learning_points' of scenario 'heavy-device' has no 'en' — add 'en:'"
    ]


def test_two_to_four_discussion_prompts(tiny_kb):
    one = "      - {sv: Vad händer med en lättare apparat?, en: What happens with a lighter device?}\n"
    assert broken(tiny_kb, one, "") == [
        f"{FILE}:15: error: scenario 'heavy-device' has 1 discussion prompts — give 2 to 4 prompts, each with 'sv:' and 'en:'"
    ]
    assert broken(tiny_kb, one, one * (MAX_DISCUSSION)) == [
        f"{FILE}:15: error: scenario 'heavy-device' has 5 discussion prompts — give 2 to 4 prompts, each with 'sv:' and 'en:'"
    ]


def test_a_misspelt_key_and_a_missing_key_are_errors(tiny_kb):
    assert broken(tiny_kb, "    misconception:", "    misconceptoin:") == [
        f"{FILE}:12: error: unknown key 'misconceptoin' in a scenario — did you mean 'misconception'?",
        f"{FILE}:2: error: a scenario has no 'misconception' — add 'misconception:'",
    ]


def test_a_duplicate_id_is_an_error(tiny_kb):
    text = textwrap.dedent(SCENARIO)
    scenario_kb(tiny_kb, text + text.split("scenarios:\n", 1)[1])
    assert errors(tiny_kb) == [
        f"{FILE}:20: error: duplicate scenario id 'heavy-device' (first defined at {FILE}:2) — give each an id of its own"
    ]


def test_an_answer_the_guide_never_needs_is_a_warning(tiny_kb):
    text = textwrap.dedent(SCENARIO).replace(
        "demo.purpose: medical\n      demo.weight: 12", "demo.purpose: wellness\n      demo.weight: 12"
    )
    scenario_kb(tiny_kb, text.replace("key_questions: [demo.purpose, demo.weight]", "key_questions: [demo.purpose]"))
    _, problems = load(tiny_kb, strict=False)
    assert [str(p) for p in problems] == [
        f"{FILE}:11: warning: the answer to 'demo.weight' in scenario 'heavy-device' is never needed by the guide on this path"
        " — remove it, or check the other answers"
    ]


def test_check_reports_scenario_errors_with_exit_status_1(tiny_kb):
    scenario_kb(tiny_kb, textwrap.dedent(SCENARIO).replace("guide: demo", "guide: dmeo"))
    result = CliRunner().invoke(main, ["check", "--kb", str(tiny_kb)])
    assert result.exit_code == 1
    assert "unknown guide 'dmeo'" in result.output


# --- the shipped library ---------------------------------------------------------------


def shipped_library():
    kb, _ = shipped_kb()
    library, problems = load_library(kb.root, kb)
    return library, problems


SHIPPED, SHIPPED_PROBLEMS = shipped_library()


def test_the_shipped_library_has_no_problems_and_covers_the_guides():
    assert [str(p) for p in SHIPPED_PROBLEMS] == []
    assert len(SHIPPED.scenarios) >= 12
    guides = {s.guide for s in SHIPPED.scenarios}
    assert {"mdr", "ip", "consortium", "pathway"} <= guides
    assert len(set(SHIPPED.ids())) == len(SHIPPED.scenarios)


@pytest.mark.parametrize("scenario", SHIPPED.scenarios, ids=lambda s: s.id)
def test_every_shipped_scenario_is_valid_and_complete(scenario):
    ws = shipped_workspace()
    assert [str(p) for p in check_scenario(ws, scenario)] == []
    outcome = scenario_outcome(ws, scenario)
    assert outcome.complete and not outcome.open_goals and not outcome.plan.not_answered
    assert 2 <= len(scenario.discussion) <= 4 and scenario.learning_points
    for text in (scenario.title, scenario.narrative, scenario.misconception, *scenario.discussion, *scenario.learning_points):
        assert text.sv.strip() and text.en.strip() and text.sv != text.en


# --- the reveal ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("scenario", SHIPPED.scenarios, ids=lambda s: s.id)
def test_the_reveal_follows_the_rule_trace(scenario, lang):
    ws = shipped_workspace()
    kb = ws.kb
    compiled = ws.module(scenario.guide)
    outcome = scenario_outcome(ws, scenario)
    fired = {f.rule: f for f in outcome.trace}
    steps = reveal_steps(ws, scenario, lang)
    seen: set[str] = set()
    for step in steps:
        for rule in step.rules:
            assert rule.id in fired, f"{rule.id} did not fire"
            assert rule.sources and all(s.citation for s in rule.sources)
            assert rule.title == kb.rules[rule.id].title.get(lang)
            if step.kind in ("question", "input"):
                assert step.fact in dict(fired[rule.id].matched)
            else:
                assert step.fact in dict(kb.rules[rule.id].conclude)
                # a conclusion comes after every answer and conclusion its rules matched
                assert {f for f, _ in fired[rule.id].matched} <= seen
        for rule in step.checked_by:
            assert rule.id not in fired
        if step.kind == "question":
            assert step.value == outcome.answers[step.fact]
        elif step.kind == "input":
            assert step.fact in kb.modules[scenario.guide].inputs or step.fact == "as_of"
            assert step.value == (outcome.as_of if step.fact == "as_of" else outcome.answers[step.fact])
        else:
            assert step.value == outcome.conclusions.get(step.fact, ABSENT)  # ABSENT: a rule matched that nothing concluded it
        seen.add(step.fact)
    questions = {s.fact: s for s in steps if s.kind == "question"}
    assert set(scenario.key_questions) <= set(questions)
    assert {f for f, s in questions.items() if s.key} == set(scenario.key_questions)
    assert {s.fact for s in steps if s.predicted} == set(scenario.predict)
    for goal in scenario.predict:  # the rules shown for a predicted goal are those of its `how`
        step = next(s for s in steps if s.fact == goal)
        assert [r.id for r in step.rules] == [s.rule.id for s in how(compiled, outcome, goal).steps]
        assert step.rules, f"no rule decided {goal}"
    assert steps[-1].kind == "conclusion"


def test_expected_values_come_from_the_outcome():
    ws = shipped_workspace()
    scenario = SHIPPED.get("mdr-home-blood-pressure-app")
    assert expected_answers(ws, scenario) == {
        "mdr.software_processes_data": True,
        "mdr.individual_patient_benefit": True,
        "mdr.software_output": "monitors_physiological_processes",
    }
    assert expected_predictions(ws, scenario) == {"mdr.is_medical_device": "yes", "mdr.class": "IIa"}


def test_an_unknown_scenario_has_did_you_mean():
    with pytest.raises(AnswerError) as caught:
        SHIPPED.get("mdr-home-blood-presure-app")
    assert "did you mean 'mdr-home-blood-pressure-app'?" in str(caught.value)


# --- the tally -------------------------------------------------------------------------


def tiny_workspace(root: Path):
    scenario_kb(root)
    ws = Workspace.open(root)
    library, _ = load_library(root, ws.kb)
    return ws, library.get("heavy-device")


def test_the_tally_counts_exactly(tiny_kb):
    ws, scenario = tiny_workspace(tiny_kb)
    responses = [
        {"demo.purpose": "medical", "demo.weight": 12, "demo.verdict": "high"},
        {"demo.purpose": "wellness", "demo.weight": "dont_know", "demo.verdict": "low"},
        {"demo.purpose": "medical", "demo.verdict": "dont_know"},
        {},
    ]
    result = tally(ws, scenario, responses)
    assert result.participants == 4
    purpose, weight = result.questions
    assert (purpose.fact, purpose.expected, purpose.counts, purpose.answered, purpose.correct, purpose.dont_know) == (
        "demo.purpose",
        "medical",
        {"medical": 2, "wellness": 1},
        3,
        2,
        0,
    )
    assert (weight.expected, weight.counts, weight.answered, weight.correct, weight.dont_know) == (12, {12: 1, "dont_know": 1}, 2, 1, 1)
    (verdict,) = result.predictions
    assert (verdict.kind, verdict.expected, verdict.counts, verdict.correct, verdict.dont_know) == (
        "prediction",
        "high",
        {"dont_know": 1, "high": 1, "low": 1},
        1,
        1,
    )


def test_the_tally_of_multichoice_answers_ignores_order():
    ws = shipped_workspace()
    scenario = SHIPPED.get("ip-poster-before-patent")
    responses = [{"ip.disclosure_channel": ["poster"]}, {"ip.disclosure_channel": ["poster", "conference_talk"]}]
    responses.append({"ip.disclosure_channel": ["conference_talk", "poster"]})
    (dist,) = [d for d in tally(ws, scenario, responses).questions if d.fact == "ip.disclosure_channel"]
    assert dist.expected == ("poster",)
    assert dist.counts == {("conference_talk", "poster"): 2, ("poster",): 1}
    assert dist.correct == 1


def test_responses_that_do_not_fit_are_refused(tiny_kb):
    ws, scenario = tiny_workspace(tiny_kb)
    with pytest.raises(AnswerError, match="'demo.is_software' is not asked in scenario 'heavy-device'"):
        tally(ws, scenario, [{"demo.is_software": True}])
    with pytest.raises(AnswerError, match="is not a choice of 'demo.purpose'"):
        check_response(ws, scenario, "demo.purpose", "<script>")
    with pytest.raises(AnswerError, match="is not a choice of 'demo.verdict'"):
        check_response(ws, scenario, "demo.verdict", "medium")


# --- self-study in the terminal ----------------------------------------------------------


def test_scenario_list():
    result = CliRunner().invoke(main, ["scenario", "list", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "mdr-home-blood-pressure-app" in result.output and "The blood-pressure app from the health centre" in result.output
    result = CliRunner().invoke(main, ["scenario", "list", "--guide", "ip"])
    assert "ip-poster-before-patent" in result.output and "mdr-home" not in result.output


def test_play_in_swedish_through_stdin():
    # the three key questions (ja, ja, 2 = monitoring), then the predictions (1 = yes; 6 = IIb, wrong)
    result = CliRunner().invoke(main, ["scenario", "play", "mdr-home-blood-pressure-app"], input="ja\nja\n2\n1\n6\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("# Blodtrycksappen från hälsocentralen")
    assert "Gissa vad guiden kommer fram till." in out
    assert "## Så resonerar Vägvisare" in out
    assert "Ditt svar: Ja (rätt)" in out
    assert "Din gissning: Klass IIb (inte samma som berättelsen)" in out
    assert "Förordning (EU) 2017/745, bilaga VIII kap. III regel 11" in out  # EU law under its Swedish name
    assert "Du hade 4 av 5 rätt." in out
    assert "Programvara är aldrig en medicinteknisk produkt" in out
    assert "## Att diskutera" in out


def test_play_in_english_with_dont_know_and_a_retry():
    result = CliRunner().invoke(
        main, ["scenario", "play", "consortium-three-partners-two-countries", "--lang", "en"], input="3\nthree\n1\n1\ndon't know\n2\n"
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "I did not understand the answer." in out
    assert "## How Vägvisare reasons" in out
    assert "Regulation (EU) 2021/695, Art. 22(2)(b)" in out
    assert "You got 3 of 5 right." in out
    assert "Three partners are enough for Horizon Europe" in out


def test_play_stops_cleanly_when_input_ends_and_refuses_an_unknown_id():
    result = CliRunner().invoke(main, ["scenario", "play", "mdr-home-blood-pressure-app", "--lang", "en"], input="yes\n")
    assert result.exit_code == 1
    assert "Stopped before every question was answered." in result.output
    result = CliRunner().invoke(main, ["scenario", "play", "poster"])
    assert result.exit_code == 2
    assert "unknown scenario 'poster'" in result.output


# --- hostile files ------------------------------------------------------------------------

FUZZ_KEYS = st.sampled_from(
    ["scenarios", "id", "title", "narrative", "guide", "answers", "misconception", "key_questions", "predict", "discussion",
     "learning_points", "as_of", "sv", "en", "demo", "demo.purpose", "demo.weight", "demo.verdict", "medical"]
)  # fmt: skip
FUZZ_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 30), st.text(max_size=8), st.dates(), st.sampled_from(["demo", "medical"])
)
FUZZ_DATA = st.recursive(
    FUZZ_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.one_of(FUZZ_KEYS, FUZZ_SCALARS), inner, max_size=5)),
    max_leaves=30,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=FUZZ_DATA)
def test_any_yaml_in_a_scenarios_file_gives_problems_not_exceptions(tmp_path_factory, data):
    root = write_kb(tmp_path_factory.mktemp("kb"), TINY)
    write_kb(root, {FILE: yaml.safe_dump({"scenarios": [data]} if isinstance(data, dict) else data, allow_unicode=True)})
    _, problems = load(root, strict=False)
    for problem in problems:
        assert problem.file == FILE and problem.message


# --- views for the web sessions and the export ------------------------------------------


def test_the_summary_export_and_the_json_data():
    ws = shipped_workspace()
    scenario = SHIPPED.get("ip-poster-before-patent")
    steps = reveal_steps(ws, scenario, "en")
    responses = [{"ip.disclosure_status": "disclosed_publicly", "ip.novelty_destroyed": "no"}, {"ip.disclosure_channel": ["poster"]}]
    result = tally(ws, scenario, responses)
    text = summary_markdown(ws.kb, scenario, steps, result, "en")
    assert text.startswith("# The poster at the conference in Gothenburg")
    for part in (
        "*2 participants*",
        "## Questions",
        "## Predictions",
        "## How Vägvisare reasons",
        "## Learning points",
        "## For discussion",
    ):
        assert part in text
    assert "  - Poster: 1 ✓" in text and "(1 answers, 0 right)" in text
    data = tally_data(result)
    assert json.loads(json.dumps(data)) == data
    channel = next(d for d in data["questions"] if d["fact"] == "ip.disclosure_channel")
    assert channel == {
        "fact": "ip.disclosure_channel",
        "expected": ["poster"],
        "counts": [[["poster"], 1]],
        "answered": 1,
        "correct": 1,
        "dont_know": 0,
    }
    revealed = reveal_data(ws.kb, steps)
    assert json.loads(json.dumps(revealed)) == revealed
    assert [s["fact"] for s in revealed] == [s.fact for s in steps]
    assert all(r["sources"] for s in revealed for r in s["rules"])


def test_a_note_for_trainers_is_listed_as_a_note(tiny_kb):
    scenario_kb(tiny_kb, textwrap.dedent(SCENARIO) + "    note_for_trainers: Ask who has built something heavy.\n")
    _, problems = load(tiny_kb, strict=False)
    assert [str(p) for p in problems] == [
        f"{FILE}:20: note: note for trainers on scenario 'heavy-device': Ask who has built something heavy."
    ]
