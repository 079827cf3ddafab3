"""Properties of the triage guide (issue 15), checked with hypothesis.

1. An invention with nothing filed and a public disclosure planned within four weeks is always
   flagged `disclosure_within_4_weeks_unfiled` and never gets a priority below high, whatever the
   other answers and whatever the attached guides (pathway, MDR, IVDR, IP) say.
2. The priority never decreases when a further urgent flag is added (priority is resolved
   `highest`, and the rules that set flags and priorities read no negated facts).

Each property is checked as a live interview and as a finished answers file.
"""

from __future__ import annotations

import datetime

from conftest import shipped_kb, shipped_module, shipped_workspace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.consultation import consult
from engine.model import DONT_KNOW

_KB, _ = shipped_kb()
TRIAGE = shipped_module("triage")
QUESTIONS = _KB.module_questions("triage")
INPUTS = _KB.modules["triage"].inputs
AS_OF = datetime.date(2026, 12, 1)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
RANK = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
DISCLOSURE_SOON = {"triage.application_filed": False, "triage.disclosure_planned": True}


def value_of(fact: str, dont_know: bool):
    kind, values = _KB.fact_type(fact), _KB.fact_values(fact)
    if kind == "boolean":
        options = st.booleans()
    elif kind == "choice":
        options = st.sampled_from(values)
    elif kind == "number":
        options = st.integers(min_value=0, max_value=60)
    else:
        plain = [v for v in values if v not in _KB.exclusive_values(fact) and v != "none"]
        options = st.sets(st.sampled_from(plain), min_size=1, max_size=3).map(frozenset)
    return st.one_of(options, st.just(DONT_KNOW)) if dont_know else options


@st.composite
def answer_sets(draw, dont_know: bool = True, exclude=()):
    """Some triage questions and some of the other guides' results (inputs), at random."""
    facts = [f for f in [q.id for q in QUESTIONS] + list(INPUTS) if f not in exclude]
    chosen = draw(st.lists(st.sampled_from(facts), unique=True, max_size=len(facts)))
    answers = {}
    for fact in chosen:
        # inputs are results of finished guides: never "don't know"
        answers[fact] = draw(value_of(fact, dont_know and fact not in INPUTS))
    return answers


def outcomes(answers: dict):
    """The same answers read as a live interview and as a finished answers file."""
    return (
        consult(TRIAGE, answers, explore_unknowns=False, as_of=AS_OF),
        consult(TRIAGE, answers, explore_unknowns=False, close_unanswered=True, as_of=AS_OF),
    )


def in_every_branch(outcome, goal: str) -> list:
    """The values `goal` takes: its settled value, or with "don't know" answers each branch's value."""
    if goal in outcome.conclusions:
        return [outcome.conclusions[goal]]
    uncertainty = outcome.uncertainty
    if uncertainty is None or uncertainty.truncated:
        return []
    if goal in uncertainty.firm:
        return [uncertainty.firm[goal]]
    return [value for value, _ in uncertainty.conditional.get(goal, ())]


@SETTINGS
@given(answers=answer_sets(), weeks=st.integers(min_value=0, max_value=4))
def test_unfiled_disclosure_within_four_weeks_is_flagged_and_at_least_high(answers, weeks):
    answers = {**answers, **DISCLOSURE_SOON, "triage.weeks_to_disclosure": weeks}
    live, finished = outcomes(answers)
    for outcome in (live, finished):
        # the flag rule has fired, and the priority is settled at once and never below high,
        # even while other answers are open or "don't know" (the flag rule concludes it itself)
        assert "triage.flag.disclosure_within_4_weeks" in {f.rule for f in outcome.trace}, outcome.answers
        assert outcome.conclusions.get("triage.priority") in ("high", "urgent"), outcome.answers
    # the finished answers file: the flag is in the flags whatever the "don't know" answers turn out to be
    explored = consult(TRIAGE, answers, explore_unknowns=True, close_unanswered=True, as_of=AS_OF)
    for flags in in_every_branch(explored, "triage.flags"):
        assert "disclosure_within_4_weeks_unfiled" in flags, explored.answers
    for priority in in_every_branch(explored, "triage.priority"):
        assert priority in ("high", "urgent"), explored.answers


URGENT_FLAGS = st.sampled_from(
    [
        ("disclosure_within_4_weeks_unfiled", {**DISCLOSURE_SOON, "triage.weeks_to_disclosure": 2}),
        ("disclosure_planned_unfiled", {**DISCLOSURE_SOON, "triage.weeks_to_disclosure": 12}),
        ("disclosure_planned_unfiled", {"ip.file_before_disclosure": True}),
        ("novelty_at_risk", {"triage.application_filed": False, "triage.already_public": True}),
        ("novelty_at_risk", {"ip.novelty_destroyed": "yes"}),
        ("deadline_passed", {"ip.missed_deadlines": frozenset({"priority_12_months"})}),
    ]
)


@SETTINGS
@given(data=st.data(), added=URGENT_FLAGS)
def test_an_urgent_flag_never_lowers_the_priority(data, added):
    flag, extra = added
    # The flag's answers are added, not changed: replacing "0 weeks" by "12 weeks" may rightly lower it.
    answers = data.draw(answer_sets(dont_know=False, exclude=tuple(extra)))
    before = consult(TRIAGE, answers, explore_unknowns=False, close_unanswered=True, as_of=AS_OF)
    after = consult(TRIAGE, {**answers, **extra}, explore_unknowns=False, close_unanswered=True, as_of=AS_OF)
    assert flag in after.conclusions["triage.flags"]
    assert RANK[after.conclusions["triage.priority"]] >= max(RANK["high"], RANK.get(before.conclusions.get("triage.priority"), 0))


def test_unknown_weeks_leave_the_priority_conditional_but_the_handler_firm():
    """Don't know when the disclosure is: urgent if within four weeks, high otherwise; IP office either way."""
    answers = {
        "triage.idea_kind": "research_result",
        "triage.need_holder": "researchers_or_labs",
        "triage.need_confirmed": False,
        "triage.goal": "not_sure",
        "triage.in_use_elsewhere": "not_in_use",
        "triage.submitter_role": "researcher_or_teacher",
        "triage.external_contributors": False,
        "triage.application_filed": False,
        "triage.already_public": False,
        "triage.disclosure_planned": True,
        "triage.weeks_to_disclosure": "dont_know",
        "triage.consent_to_share": True,
    }
    outcome = shipped_workspace().evaluate("triage", answers, as_of=AS_OF)
    assert outcome.uncertainty.firm["triage.next_handler"] == "ip_office"
    assert {value for value, _ in outcome.uncertainty.conditional["triage.priority"]} == {"urgent", "high"}
    assert outcome.uncertainty.key_unknowns[0][0] == "triage.weeks_to_disclosure"
