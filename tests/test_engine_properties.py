"""Properties of the engine that must hold for every module and every set of answers."""

from __future__ import annotations

import random

import pytest
from conftest import shipped_kb, shipped_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.compiler import compile_module
from engine.consultation import consult
from engine.loader import load
from engine.model import ABSENT, DONT_KNOW, Question
from engine.planner import replay
from explanations.jsonview import outcome_json

_KB, _ = shipped_kb()
MODULES = sorted(_KB.modules)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def value_of(question: Question, draw, allow_unknown: bool = True):
    options = []
    if question.type == "boolean":
        options = [st.booleans()]
    elif question.type == "choice":
        options = [st.sampled_from(question.values)]
    elif question.type == "multichoice":
        options = [st.sets(st.sampled_from(question.values), min_size=1, max_size=3).map(frozenset)]
    else:
        options = [st.integers(min_value=0, max_value=200)]
    if allow_unknown:
        options.append(st.just(DONT_KNOW))
    return draw(st.one_of(*options))


@st.composite
def answer_sets(draw, module: str, allow_unknown: bool = True):
    questions = _KB.module_questions(module)
    chosen = draw(st.lists(st.sampled_from(questions), unique_by=lambda q: q.id, max_size=len(questions))) if questions else []
    return {q.id: value_of(q, draw, allow_unknown) for q in chosen}


@pytest.fixture(scope="module")
def compiled():
    return {m: shipped_module(m) for m in MODULES}


def canonical(outcome):
    data = outcome_json(_KB, outcome)
    data["unused_answers"] = sorted(data["unused_answers"])
    return data


@pytest.mark.parametrize("module", MODULES)
def test_order_of_answers_never_changes_the_result(compiled, module):
    @SETTINGS
    @given(answers=answer_sets(module), seed=st.integers(0, 2**16))
    def check(answers, seed):
        items = list(answers.items())
        random.Random(seed).shuffle(items)
        assert canonical(consult(compiled[module], dict(items))) == canonical(consult(compiled[module], answers))

    check()


@pytest.mark.parametrize("module", MODULES)
def test_interview_ends_within_as_many_steps_as_questions(compiled, module):
    questions = _KB.module_questions(module)

    @SETTINGS
    @given(truth=answer_sets(module), data=st.data())
    def check(truth, data):
        answers: dict = {}
        for _step in range(len(questions) + 1):
            nxt = replay(compiled[module], answers).next_question
            if nxt is None:
                break
            assert nxt not in answers, "a question was asked twice"
            answers[nxt] = truth[nxt] if nxt in truth else data.draw(_value(_KB.questions[nxt]))
        else:
            pytest.fail("the interview did not end")
        assert len(answers) <= len(questions)

    check()


def _value(question: Question):
    return st.composite(lambda draw: value_of(question, draw))()


@pytest.mark.parametrize("module", MODULES)
def test_an_answer_no_rule_needs_changes_nothing(compiled, module):
    questions = _KB.module_questions(module)

    @SETTINGS
    @given(answers=answer_sets(module), data=st.data())
    def check(answers, data):
        extra = [q for q in questions if q.id not in answers]
        if not extra:
            return
        q = data.draw(st.sampled_from(extra))
        more = {**answers, q.id: data.draw(_value(q))}
        with_extra = consult(compiled[module], more)
        if q.id in with_extra.unused_answers:
            base = canonical(consult(compiled[module], answers))
            other = canonical(with_extra)
            other["unused_answers"] = [f for f in other["unused_answers"] if f != q.id]
            assert other == base

    check()


@pytest.mark.parametrize("module", MODULES)
def test_backend_agrees_with_the_planners_reading(compiled, module):
    """The backend's conclusions equal the three-valued settlement the planner relies on."""

    @SETTINGS
    @given(answers=answer_sets(module))
    def check(answers):
        outcome = consult(compiled[module], answers, explore_unknowns=False)
        settled = outcome.plan.state.facts
        expected = {f: v for f, v in settled.items() if f in compiled[module].concluders and v is not ABSENT}
        assert outcome.conclusions == expected
        assert outcome.complete == (not outcome.open_goals)

    check()


@pytest.mark.parametrize("module", MODULES)
def test_more_answers_never_retract_a_firing(compiled, module):
    """Inference is monotone: answering a further asked question keeps every rule that fired."""

    @SETTINGS
    @given(answers=answer_sets(module, allow_unknown=False), data=st.data())
    def check(answers, data):
        first = consult(compiled[module], answers, explore_unknowns=False)
        if first.next_question is None:
            return
        q = _KB.questions[first.next_question]
        second = consult(compiled[module], {**first.answers, q.id: data.draw(_value(q))}, explore_unknowns=False)
        assert {f.rule for f in first.trace} <= {f.rule for f in second.trace}

    check()


def test_dont_know_separates_firm_from_conditional(tiny_kb):
    kb, _ = load(tiny_kb)
    compiled = compile_module(kb, "demo")
    outcome = consult(compiled, {"demo.is_software": False, "demo.purpose": "medical", "demo.weight": DONT_KNOW})
    u = outcome.uncertainty
    assert not outcome.complete and u.unknowns == ("demo.weight",)
    options = dict(u.conditional["demo.verdict"])
    assert set(options) == {"high", "low"}
    assert all(path["demo.weight"] > 10 for path in options["high"])
    assert all(path["demo.weight"] <= 10 for path in options["low"])
    assert u.key_unknowns[0][0] == "demo.weight" and not u.truncated


def test_dont_know_that_does_not_matter_leaves_the_conclusion_firm(tiny_kb):
    kb, _ = load(tiny_kb)
    compiled = compile_module(kb, "demo")
    # software -> high whatever the weight; the resolve: highest makes 'high' firm
    outcome = consult(compiled, {"demo.is_software": True, "demo.purpose": "medical", "demo.weight": DONT_KNOW})
    assert outcome.conclusions == {"demo.verdict": "high"} and outcome.complete
