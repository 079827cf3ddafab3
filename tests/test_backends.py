"""Both inference backends give the same results, and the fast planner equals the plain one.

- every knowledge-base test case passes on experta and on CLIPS;
- for every module (and a generated knowledge base with every shape of condition),
  hypothesis draws answer sets, partial ones included, and both backends must agree on
  `complete`, `next_question`, conclusions, recommendations and the trace (rules fired and
  the facts each matched);
- each comparison, with any operand and any value, decides in CLIPS exactly as
  `engine.conditions.test_value` does;
- hostile strings in ids, values and texts reach CLIPS only as data;
- the incremental planner (`replay`, `Tracker`, compiled truth) equals the reference
  (`replay_reference`, `settle`, `truth`).
"""

from __future__ import annotations

import datetime
import importlib.util
import math
from pathlib import Path

import pytest
from conftest import TINY, shipped_kb, shipped_module, write_kb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.backends import BACKENDS, get_backend
from engine.compiler import compile_module
from engine.consultation import consult
from engine.kbtests import run_case
from engine.loader import load
from engine.logic import truth
from engine.model import ABSENT, DONT_KNOW, All, Any_, Compare, Origin, Question
from engine.planner import replay, replay_reference

_KB, _PROBLEMS = shipped_kb()
MODULES = sorted(_KB.modules)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HERE = Path(__file__).resolve().parent


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", HERE.parent / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def compiled():
    """Every module of the shipped knowledge base, on every backend."""
    return {(m, b): shipped_module(m, b) for m in MODULES for b in BACKENDS}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated knowledge base of 120 rules (all, any, not, every comparison, two layers)."""
    root = _generator().write_kb(tmp_path_factory.mktemp("generated"), rules=120, seed=7)
    kb, _ = load(root)
    return kb, {b: compile_module(kb, "gen", b) for b in BACKENDS}


# --- answer sets ----------------------------------------------------------------------


def _value(question: Question):
    if question.type == "boolean":
        base = st.booleans()
    elif question.type == "choice":
        base = st.sampled_from(question.values)
    elif question.type == "multichoice":
        base = st.sets(st.sampled_from(question.values), max_size=len(question.values)).map(frozenset)
    elif question.type == "date":
        base = _DATES
    else:
        base = st.one_of(st.integers(-5, 120), st.floats(-5, 120, allow_nan=False))
    return st.one_of(base, st.just(DONT_KNOW))


def answer_sets(questions: list[Question]):
    """Any subset of the questions, each with a valid answer or dont_know."""
    if not questions:
        return st.just({})
    chosen = st.lists(st.sampled_from(questions), unique_by=lambda q: q.id, max_size=len(questions))
    return chosen.flatmap(lambda qs: st.fixed_dictionaries({q.id: _value(q) for q in qs}))


def _same(a, b) -> None:
    assert a.complete == b.complete
    assert a.next_question == b.next_question
    assert a.conclusions == b.conclusions
    assert {f.rule for f in a.trace} == {f.rule for f in b.trace}
    assert a.trace == b.trace  # the same rules in the same order, each with the same matched facts
    assert a.recommendations == b.recommendations
    assert list(a.answers) == list(b.answers) and a.unused_answers == b.unused_answers


# --- knowledge-base cases on both backends ----------------------------------------------

CASES = [pytest.param(case, id=f"{case.module}:{case.id}") for case in _KB.tests]


@pytest.mark.experta
@pytest.mark.parametrize("case", CASES)
def test_case_on_experta(case):
    """Every YAML case passes on the reference backend too (tests/test_knowledge_base.py runs them on CLIPS)."""
    result = run_case(shipped_module(case.module, "experta"), case)
    assert result.passed, "\n".join(result.failures)


# --- differential: experta and clips agree ----------------------------------------------


@pytest.mark.experta
@pytest.mark.parametrize("module", MODULES)
def test_backends_agree_on_every_module(compiled, module):
    @SETTINGS
    @given(answers=answer_sets(_KB.module_questions(module)), closed=st.booleans())
    def check(answers, closed):
        ref = consult(compiled[(module, "experta")], answers, close_unanswered=closed)
        fast = consult(compiled[(module, "clips")], answers, close_unanswered=closed)
        _same(ref, fast)

    check()


@pytest.mark.experta
def test_backends_agree_on_a_generated_knowledge_base(generated):
    kb, programs = generated

    @SETTINGS
    @given(answers=answer_sets(kb.module_questions("gen")))
    def check(answers):
        _same(consult(programs["experta"], answers, explore_unknowns=False), consult(programs["clips"], answers, explore_unknowns=False))

    check()


# --- comparison semantics ---------------------------------------------------------------

_WORDS = st.sampled_from(["a", "b", "c", "yes", "no", "1", "TRUE", 'x") (system "echo")'])
_NUMBERS = st.one_of(
    st.integers(-3, 3), st.sampled_from([0.5, -1.0, 1.0, 2**62, -(2**62), 1e300, math.inf, -math.inf]), st.floats(-4, 4, allow_nan=False)
)
_DATES = st.dates(datetime.date(2020, 1, 1), datetime.date(2035, 12, 31))
_SCALARS = st.one_of(_WORDS, st.booleans(), _NUMBERS, _DATES)
_VALUES = st.one_of(
    st.just(DONT_KNOW),
    st.just(ABSENT),
    _SCALARS,
    st.just(math.nan),
    st.sets(_WORDS, max_size=3).map(frozenset),
)


@st.composite
def comparisons(draw):
    op = draw(st.sampled_from(["equals", "in", "contains", "contains_any", "greater_than", "less_than", "at_least", "at_most", "known"]))
    if op == "known":
        operand = draw(st.booleans())
    elif op in ("in", "contains_any"):
        operand = tuple(draw(st.lists(_SCALARS, min_size=1, max_size=3)))
    elif op == "equals":
        operand = draw(st.one_of(_SCALARS, st.lists(_WORDS, max_size=3).map(tuple), st.lists(_SCALARS, min_size=1, max_size=2).map(tuple)))
    elif op == "contains":
        operand = draw(_SCALARS)
    else:
        operand = draw(st.one_of(_NUMBERS, _DATES))
    negated = draw(st.booleans()) if op != "known" else False
    return Compare("x.fact", op, operand, Origin("test", 1), negated)


@settings(max_examples=300, deadline=None)
@given(cmp=comparisons(), value=_VALUES)
def test_each_comparison_decides_as_test_value_does(cmp, value):
    from engine.conditions import test_value

    expected = test_value(cmp, value)
    program = get_backend("clips").compile([[("r", cmp)]])
    fired = program.fire(0, {"x.fact": value})
    assert bool(fired) == expected, program.source()
    if fired:
        assert fired[0].rule == "r" and dict(fired[0].matched).keys() == {"x.fact"}


@settings(max_examples=100, deadline=None)
@given(cmps=st.lists(comparisons(), min_size=2, max_size=4), value=_VALUES, shape=st.sampled_from(["all", "any", "mixed"]))
def test_conditions_fire_and_match_as_on_experta(cmps, value, shape):
    parts = tuple(Compare(f"x.f{i}", c.op, c.operand, c.origin, c.negated) for i, c in enumerate(cmps))
    origin = Origin("test", 1)
    if shape == "all":
        cond = All(parts, origin)
    elif shape == "any":
        cond = Any_(parts, origin)
    else:
        cond = All((parts[0], Any_(parts[1:], origin)), origin)
    facts = {f"x.f{i}": value for i in range(len(parts))}
    results = [get_backend(b).compile([[("r", cond)]]).fire(0, facts) for b in ("experta", "clips")]
    assert results[0] == results[1]


# --- safety: hostile strings are data -------------------------------------------------

HOSTILE = '") (system "touch {marker}") ("\n(defrule evil => (system "touch {marker}"))'


def test_hostile_strings_arrive_as_data(tmp_path):
    marker = tmp_path / "pwned"
    evil = HOSTILE.format(marker=marker)
    files = dict(TINY)
    for name in ("knowledge_base/questions/demo.yaml", "rules/demo/rules.yaml", "rules/demo/module.yaml"):
        files[name] = (
            files[name]
            .replace("id: wellness", f"id: {_yaml(evil + 'w')}")
            .replace("equals: wellness", f"equals: {_yaml(evil + 'w')}")
            .replace("demo.purpose", _yaml("demo.purpose" + evil))
            .replace("id: high", f"id: {_yaml(evil + 'h')}")
            .replace("{demo.verdict: high}", "{demo.verdict: " + _yaml(evil + "h") + "}")
            .replace("{sv: Lätt, en: Light}", "{sv: " + _yaml(evil) + ", en: " + _yaml(evil) + "}")
            .replace("id: demo.low", f"id: {_yaml('demo.low' + evil)}")
        )
    kb, problems = load(write_kb(tmp_path / "kb", files))
    purpose = "demo.purpose" + evil
    assert purpose in kb.questions and evil + "w" in kb.questions[purpose].values
    programs = {b: compile_module(kb, "demo", b) for b in BACKENDS}
    code = programs["clips"].program.source()
    assert "system" not in code and "touch" not in code and '"' not in code and "evil" not in code
    for answers in (
        {"demo.is_software": False, purpose: evil + "w"},
        {"demo.is_software": True, purpose: "medical", "demo.weight": 12},
    ):
        outcomes = [consult(programs[b], answers) for b in BACKENDS]
        _same(*outcomes)
        assert outcomes[1].trace, "a rule fired"
    low = consult(programs["clips"], {"demo.is_software": False, purpose: evil + "w"})
    assert low.conclusions == {"demo.verdict": "low"}
    assert dict(low.trace[0].matched) == {purpose: evil + "w"}
    high = consult(programs["clips"], {"demo.is_software": True})
    assert high.conclusions == {"demo.verdict": evil + "h"}
    assert not marker.exists()


def _yaml(text: str) -> str:
    import json

    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def test_code_with_a_foreign_token_is_refused():
    from engine.backends.clips_backend import _check_tokens

    _check_tokens("(defrule vv-t1 (vv (id 3) (k ?k0) (v $?v0&:(eq ?k0 str))) => (bind ?*vvfired* (create$ ?*vvfired* 1)))")
    with pytest.raises(ValueError):
        _check_tokens('(defrule vv-t1 (vv (id 3)) => (system "ls"))')


# --- the fast planner equals the reference ----------------------------------------------


def _same_plan(a, b) -> None:
    assert list(a.used.items()) == list(b.used.items()) and a.unused == b.unused
    assert a.next_question == b.next_question and a.open_goals == b.open_goals and a.not_answered == b.not_answered
    assert list(a.state.facts.items()) == list(b.state.facts.items())
    assert list(a.state.possible.items()) == list(b.state.possible.items())
    assert list(a.state.rule_truth.items()) == list(b.state.rule_truth.items())
    assert a.state.skipped == b.state.skipped


@pytest.mark.parametrize("module", MODULES)
def test_incremental_replay_equals_the_reference(compiled, module):
    program = compiled[(module, "clips")]

    @SETTINGS
    @given(answers=answer_sets(_KB.module_questions(module)), closed=st.booleans())
    def check(answers, closed):
        _same_plan(replay(program, answers, closed), replay_reference(program, answers, closed))

    check()


def test_incremental_replay_equals_the_reference_on_a_generated_knowledge_base(generated):
    kb, programs = generated

    @SETTINGS
    @given(answers=answer_sets(kb.module_questions("gen")), closed=st.booleans())
    def check(answers, closed):
        _same_plan(replay(programs["clips"], answers, closed), replay_reference(programs["clips"], answers, closed))

    check()


def test_compiled_truth_equals_truth(generated):
    kb, programs = generated
    program = programs["clips"]
    open_facts = st.fixed_dictionaries({}, optional={c: st.sampled_from([frozenset({"r0", ABSENT}), None]) for c in kb.conclusions})

    @SETTINGS
    @given(answers=answer_sets(kb.module_questions("gen")), possible=open_facts)
    def check(answers, possible):
        for rid, cond in program.conditions.items():
            assert program.index.rule_eval[rid](answers, possible) is truth(cond, answers, possible)

    check()
