"""The Consultation API (engine.session): what every front end builds on."""

from __future__ import annotations

import datetime
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import AnswerError, EngineError
from engine.model import ABSENT, AS_OF, DONT_KNOW
from engine.planner import replay
from engine.session import FORMAT, Workspace
from vagvisare.cli import main

CASES = {}


@pytest.fixture(scope="module")
def ws(shipped) -> Workspace:
    return shipped


def public_case(ws: Workspace, case_id: str):
    return next(c for c in ws.kb.tests if c.id == case_id)


def walk(consultation, answers: dict) -> list[str]:
    """Answer each question the consultation asks from `answers`; the questions asked, in order."""
    asked = []
    while (question := consultation.next_question) is not None:
        asked.append(question.id)
        consultation.answer(question.id, answers[question.id])
    return asked


def test_a_consultation_answered_one_question_at_a_time_equals_the_evaluation(ws):
    case = public_case(ws, "mdr-r01-01")
    consultation = ws.consultation("mdr", lang="en", as_of=datetime.date(2026, 12, 1))
    asked = walk(consultation, dict(case.answers))
    assert set(asked) == set(case.answers)  # a complete public case answers exactly the path
    assert consultation.complete
    outcome = consultation.outcome()
    evaluated = ws.evaluate("mdr", dict(case.answers), as_of=datetime.date(2026, 12, 1))
    assert outcome.conclusions == evaluated.conclusions
    assert outcome.kb_version == ws.kb.version and len(outcome.kb_version) == 64
    assert consultation.progress() == (len(asked), 0)


def test_only_the_question_being_asked_can_be_answered(ws):
    consultation = ws.consultation("mdr")
    first = consultation.next_question.id
    with pytest.raises(AnswerError) as exc:
        consultation.answer("mdr.invasiveness", "non_invasive")
    assert exc.value.location == "mdr.invasiveness" and first in exc.value.fix
    with pytest.raises(AnswerError) as exc:
        consultation.answer("mdr.no_such_question", True)
    assert "unknown question" in exc.value.message and exc.value.fix
    with pytest.raises(AnswerError) as exc:
        consultation.answer(first, "perhaps")
    assert exc.value.location == first and "yes/no" in exc.value.message and "true, false or dont_know" in exc.value.fix
    consultation.answer(first, "dont_know")
    assert consultation.answers == {first: DONT_KNOW}


def test_an_exclusive_choice_cannot_be_combined(ws):
    consultation = ws.consultation("mdr")
    consultation.answer("mdr.is_software", False)
    with pytest.raises(AnswerError) as exc:
        consultation.answer("mdr.medical_purpose", ["none", "disease"])
    assert "'none' cannot be combined" in exc.value.message


def test_back_and_change_and_questions_that_no_longer_matter_disappear(ws):
    case = public_case(ws, "mdr-r01-01")
    consultation = ws.consultation("mdr")
    walk(consultation, dict(case.answers))
    last = list(consultation.answers)[-1]
    assert consultation.back() == last and last not in consultation.answers
    assert consultation.next_question.id == last
    consultation.answer(last, case.answers[last])
    # no medical purpose: the medical-device questions no longer matter, Annex XVI comes next
    consultation.change("mdr.medical_purpose", ["none"])
    assert list(consultation.answers) == ["mdr.is_software", "mdr.medical_purpose"]
    assert consultation.next_question.id == "mdr.annex_xvi_group"
    assert "mdr.is_medical_device" not in consultation.outcome().conclusions
    with pytest.raises(AnswerError):
        consultation.change("mdr.invasiveness", "non_invasive")  # no longer answered


def test_what_if_shows_old_and_new_side_by_side(ws):
    case = public_case(ws, "mdr-r01-01")
    consultation = ws.consultation("mdr")
    walk(consultation, dict(case.answers))
    before = dict(consultation.answers)
    result = consultation.what_if({"mdr.medical_purpose": ["none"]})
    changed = {c.fact: (c.before, c.after) for c in result.changes}
    assert changed["mdr.is_medical_device"] == ("yes", ABSENT)
    assert changed["mdr.class"][1] is ABSENT
    assert result.next_question == "mdr.annex_xvi_group"  # more answers would be needed
    assert list(result.changes)[0].fact in ws.kb.modules["mdr"].goals
    assert consultation.answers == before  # the consultation itself is unchanged


def test_saved_consultations_round_trip_through_json(ws):
    case = public_case(ws, "mdr-r01-01")
    consultation = ws.consultation("mdr", lang="en", as_of=datetime.date(2026, 12, 1))
    walk(consultation, dict(case.answers))
    data = json.loads(json.dumps(consultation.to_dict()))
    assert data["format"] == FORMAT and data["kb_version"] == ws.kb.version and data["as_of"] == "2026-12-01"
    assert [q for q, _ in data["answers"]] == list(consultation.answers)
    restored = ws.restore(data)
    assert restored.answers == consultation.answers and restored.lang == "en" and restored.dropped == []
    assert restored.outcome().conclusions == consultation.outcome().conclusions


def test_a_saved_consultation_never_loses_the_answers_that_still_fit(ws):
    data = {
        "format": FORMAT,
        "module": "mdr",
        "answers": [["mdr.is_software", False], ["mdr.medical_purpose", ["no_longer_a_choice"]], "junk", ["mdr.gone", 1]],
    }
    restored = ws.restore(data)
    assert restored.answers == {"mdr.is_software": False}
    assert {q for q, _ in restored.dropped} == {"mdr.medical_purpose", "'junk'", "mdr.gone"}
    for bad in ({}, {"format": FORMAT}, {"format": FORMAT, "module": "nope"}, [], "x"):
        with pytest.raises(AnswerError):
            ws.restore(bad)


def test_pathway_reads_the_results_of_the_other_guides(ws):
    mdr = ws.consultation("mdr")
    walk(mdr, dict(public_case(ws, "mdr-r01-01").answers))
    pathway = ws.consultation("pathway", given=[mdr])
    assert pathway.inputs["mdr.is_medical_device"] == "yes" and pathway.inputs["mdr.class"] == mdr.outcome().conclusions["mdr.class"]
    assert pathway.to_dict()["inputs"]["mdr.class"] == mdr.outcome().conclusions["mdr.class"]


def test_unknown_modules_facts_and_engines_are_typed_errors(ws):
    with pytest.raises(AnswerError):
        ws.consultation("nope")
    consultation = ws.consultation("mdr")
    with pytest.raises(AnswerError):
        consultation.how("mdr.nope")
    with pytest.raises(AnswerError):
        consultation.why_not("mdr.class", "XI")
    with pytest.raises(EngineError) as exc:
        Workspace.open(backend="bogus")
    assert "choose one of" in exc.value.fix


# --- why: planner-true ------------------------------------------------------------------


@pytest.mark.parametrize("module", ["mdr", "ip", "pathway", "ivdr", "consortium", "mdr_obligations"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_why_is_never_empty_and_never_names_a_settled_goal(ws, module, data):
    """On random answer paths, every question the planner asks has a reason, and the reason is still
    open; and the live interview, one answer at a time, plans exactly as a replay of the answers."""
    consultation = ws.consultation(module, as_of=datetime.date(2026, 12, 1))
    while (question := consultation.next_question) is not None:
        replayed = replay(consultation.compiled, {**consultation.answers, AS_OF: datetime.date(2026, 12, 1)})
        live = consultation.plan
        assert (live.next_question, live.open_goals, live.used) == (replayed.next_question, replayed.open_goals, replayed.used)
        assert live.state.facts == replayed.state.facts and live.state.rule_truth == replayed.state.rule_truth
        why = consultation.why(question.id)
        state = consultation.plan.state
        assert why.goals, question.id
        assert not any(state.is_settled(g) for g in why.goals)
        assert why.rules or why.gates
        for need in why.rules:
            assert state.rule_truth[need.id].value == "unknown"
        consultation.answer(question.id, data.draw(_raw_answer(question), label=question.id))


def _raw_answer(question):
    if question.type == "boolean":
        base = st.booleans()
    elif question.type == "choice":
        base = st.sampled_from(question.values)
    elif question.type == "multichoice":
        exclusive = {c.id for c in question.choices if c.exclusive}
        base = st.one_of(
            st.sampled_from(sorted(exclusive)).map(lambda c: [c]) if exclusive else st.nothing(),
            st.lists(st.sampled_from([v for v in question.values if v not in exclusive]), min_size=1, unique=True),
        )
    elif question.type == "date":
        base = st.dates(datetime.date(2020, 1, 1), datetime.date(2032, 1, 1)).map(datetime.date.isoformat)
    else:
        base = st.integers(0, 200)
    return st.one_of(base, st.just("dont_know"))


def test_why_follows_ask_if_gating(tiny_kb):
    """demo.purpose is read by rules, and also decides whether demo.weight is asked."""
    ws = Workspace.open(tiny_kb)
    consultation = ws.consultation("demo")
    consultation.answer("demo.is_software", False)
    why = consultation.why()
    assert why.question == "demo.purpose" and why.goals == ("demo.verdict",)
    assert {g.id for g in why.gates} == {"demo.weight"}


# --- the terminal saves -----------------------------------------------------------------


def test_consult_saves_as_it_goes_and_resumes(tiny_kb, tmp_path):
    saved = tmp_path / "answers.yaml"
    runner = CliRunner()
    first = runner.invoke(main, ["consult", "demo", "--kb", str(tiny_kb), "--lang", "en", "--save", str(saved)], input="no\nquit\n")
    assert first.exit_code == 0
    assert f"Your answers are saved in {saved}" in first.output
    assert "demo.is_software: false" in saved.read_text(encoding="utf-8")
    second = runner.invoke(main, ["consult", "--resume", str(saved), "--kb", str(tiny_kb), "--lang", "en"], input="1\n12\n")
    assert second.exit_code == 0, second.output
    assert "Question 2: Purpose?" in second.output and "Is it software?" not in second.output
    assert "demo.weight: 12" in saved.read_text(encoding="utf-8")


def test_evaluate_with_another_guides_answers(shipped, tmp_path):
    mdr = tmp_path / "mdr.yaml"
    case = public_case(shipped, "mdr-r01-01")
    mdr.write_text("".join(f"{k}: {json.dumps(v)}\n" for k, v in case.answers.items()), encoding="utf-8")
    pathway = tmp_path / "pathway.yaml"
    pathway.write_text("{}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "pathway", "--answers", str(pathway), "--with", str(mdr)])
    assert result.exit_code == 0, result.output
    # pathway read the MDR class: it is not among the answers it lists as left out
    data = json.loads(result.output)
    assert "mdr.class" not in data["not_answered"]
    bad = CliRunner().invoke(main, ["evaluate", "pathway", "--answers", str(pathway), "--with", str(pathway)])
    assert bad.exit_code == 2 and "cannot tell which guide" in bad.output


def test_the_mdr_guide_hands_an_ivd_over_to_the_ivdr_guide_with_the_shared_answers(ws, tmp_path):
    mdr = ws.consultation("mdr")
    walk(mdr, dict(public_case(ws, "mdr-q-21").answers))
    assert mdr.outcome().conclusions["mdr.is_medical_device"] == "ivd"
    assert mdr.handovers() == ["ivdr"]
    ivdr = ws.consultation("ivdr", given=[mdr], as_of=datetime.date(2026, 12, 1))
    carried = {q: v for q, v in ivdr.answers.items()}
    assert carried["ivdr.is_software"] is True and carried["ivdr.software_drives_device"] == "none"
    assert ivdr.next_question.id not in carried  # the shared questions are not asked again
    # an MDR result that is not an IVD hands nothing over
    other = ws.consultation("mdr")
    walk(other, dict(public_case(ws, "mdr-r01-01").answers))
    assert other.handovers() == [] and ws.consultation("ivdr", given=[other]).answers == {}
    # the terminal: the MDR result names the next command; --with carries the answers
    saved = tmp_path / "mdr.yaml"
    answers = dict(public_case(ws, "mdr-q-21").answers)
    replies, probe = [], ws.consultation("mdr")
    while (question := probe.next_question) is not None:
        value = answers[question.id]
        if question.type == "boolean":
            replies.append("yes" if value else "no")
        else:
            picked = value if isinstance(value, list) else [value]
            replies.append(",".join(str(question.values.index(v) + 1) for v in picked))
        probe.answer(question.id, value)
    typed = "".join(r + "\n" for r in replies)
    result = CliRunner().invoke(main, ["consult", "mdr", "--lang", "en", "--save", str(saved)], input=typed)
    assert result.exit_code == 0, result.output
    assert f"vagvisare consult ivdr --with {saved}" in result.output
    follow = CliRunner().invoke(main, ["consult", "ivdr", "--lang", "en", "--with", str(saved)], input="quit\n")
    assert "Is the product itself software" not in follow.output
