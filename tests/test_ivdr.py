"""The IVDR guide: properties over any answers and any date, on top of the YAML cases (rules/ivdr/tests).

- Annex VIII 1.8 (1.9): adding a further intended purpose to a device never lowers its class.
- Moving the as-of date changes only the conclusions that depend on a rule reading `as_of`, and
  those are exactly the three the module documents (in-house exemption, notified body, transition).
- A transition that has ended by the as-of date is never reported as still running.
- The rules listed as deciding the class all give that class.
"""

from __future__ import annotations

import datetime

import pytest
from conftest import draw_answer, shipped_kb, shipped_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.conditions import facts_in
from engine.consultation import consult
from engine.model import AS_OF

_KB, _ = shipped_kb()
CLASSES = ("A", "B", "C", "D")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
QUESTIONS = _KB.module_questions("ivdr")
MEDICAL = [v for v in _KB.questions["ivdr.medical_information"].values if v != "none"]


@pytest.fixture(scope="module")
def ivdr():
    return shipped_module("ivdr")


@st.composite
def any_answers(draw):
    """Any valid answers to any subset of the IVDR questions, "I don't know" included."""
    chosen = draw(st.lists(st.sampled_from(QUESTIONS), unique_by=lambda q: q.id))
    return {q.id: draw_answer(q, draw, allow_unknown=True) for q in chosen}


@st.composite
def purpose_classified(draw):
    """A device classified on its intended purpose (an assay, a directly measuring instrument or IVD
    software), with an answer to every question so that the interview always completes."""
    answers = {q.id: draw_answer(q, draw, allow_unknown=False) for q in QUESTIONS}
    kind = draw(st.sampled_from(["assay", "measuring_instrument", "software"]))
    answers["ivdr.medical_information"] = frozenset(draw(st.sets(st.sampled_from(MEDICAL), min_size=1, max_size=2)))
    if kind == "software":
        answers.update({"ivdr.is_software": True, "ivdr.software_drives_device": "none", "ivdr.software_processes_data": True})
        answers.update({"ivdr.individual_patient_benefit": True, "ivdr.software_data_sources": "ivd_only"})
    else:
        answers.update({"ivdr.is_software": False, "ivdr.product_role": "examines_specimens", "ivdr.specimen_origin": "human"})
        answers.update({"ivdr.integral_medical_device": False})
        answers["ivdr.device_form"] = "assay" if kind == "assay" else "instrument"
        answers["ivdr.instrument_measures_directly"] = True
    return answers


#: A further intended purpose: (fact, value) added to a multichoice or set on a yes/no or choice.
FURTHER_PURPOSES = (
    [("ivdr.test_purpose", v) for v in _KB.questions["ivdr.test_purpose"].values if v != "none_of_these"]
    + [("ivdr.agent_type", v) for v in _KB.questions["ivdr.agent_type"].values]
    + [
        ("ivdr.donation_screening", True),
        ("ivdr.prenatal_immune_screening", True),
        ("ivdr.infectious_load_critical", True),
        ("ivdr.csf_or_blood_specimen", True),
        ("ivdr.infection_error_severe", True),
        ("ivdr.blood_grouping", "other_markers"),
        ("ivdr.blood_grouping", "listed_markers"),
        ("ivdr.medical_information", "predisposition"),
    ]
)
#: Detecting an agent more widely is a further purpose too (Rule 1 and Rule 3 read presence and exposure).
WIDER_DETECTION = {"none": ("presence", "exposure"), "presence": ("presence_and_exposure",), "exposure": ("presence_and_exposure",)}


def _rank(outcome) -> int:
    return CLASSES.index(outcome.conclusions["ivdr.class"])


def _add(answers: dict, fact: str, value) -> dict:
    more = dict(answers)
    if _KB.questions[fact].type == "multichoice":
        more[fact] = frozenset(answers[fact]) | {value}
    elif fact == "ivdr.blood_grouping" and answers[fact] == "listed_markers":
        more[fact] = "listed_markers"  # the listed markers already include the other purpose's class
    else:
        more[fact] = value
    return more


def test_a_further_purpose_never_lowers_the_class(ivdr):
    @SETTINGS
    @given(answers=purpose_classified(), purpose=st.sampled_from(FURTHER_PURPOSES), as_of=st.dates())
    def check(answers, purpose, as_of):
        before = consult(ivdr, answers, explore_unknowns=False, as_of=as_of)
        after = consult(ivdr, _add(answers, *purpose), explore_unknowns=False, as_of=as_of)
        assert before.complete and after.complete
        assert before.conclusions["ivdr.classified_by_purpose"] is True
        assert _rank(after) >= _rank(before), (purpose, before.conclusions["ivdr.class"], after.conclusions["ivdr.class"])

    check()


def test_detecting_an_agent_more_widely_never_lowers_the_class(ivdr):
    @SETTINGS
    @given(answers=purpose_classified(), pick=st.integers(0, 1))
    def check(answers, pick):
        wider = WIDER_DETECTION[answers["ivdr.agent_detection"]] if answers["ivdr.agent_detection"] in WIDER_DETECTION else ()
        if not wider:
            return
        before = consult(ivdr, answers, explore_unknowns=False)
        after = consult(ivdr, {**answers, "ivdr.agent_detection": wider[pick % len(wider)]}, explore_unknowns=False)
        assert before.complete and after.complete
        assert _rank(after) >= _rank(before)

    check()


def _date_dependent(compiled) -> set[str]:
    """Facts whose value can change with the as-of date: concluded by a rule that reads `as_of`
    or such a fact, or questions asked only depending on one (their answers may go unused)."""
    dependent = {AS_OF}
    changed = True
    while changed:
        changed = False
        for rule in compiled.rules.values():
            if set(facts_in(rule.when)) & dependent:
                for fact, _ in rule.conclude:
                    if fact not in dependent:
                        dependent.add(fact)
                        changed = True
        for q in compiled.questions:
            if q.ask_if is not None and set(facts_in(q.ask_if)) & dependent and q.id not in dependent:
                dependent.add(q.id)
                changed = True
    return dependent - {AS_OF}


def test_the_date_dependent_conclusions_are_the_documented_three(ivdr):
    dependent = _date_dependent(ivdr)
    assert {f for f in dependent if f in _KB.conclusions} == {
        "ivdr.in_house_exemption",
        "ivdr.notified_body",
        "ivdr.legacy_transition_end",
    }
    dated = sorted(r.id for r in ivdr.rules.values() if AS_OF in facts_in(r.when))
    assert dated and all(r.startswith(("ivdr.h.", "ivdr.t.", "ivdr.f.")) for r in dated), dated


DATES = st.one_of(
    st.dates(min_value=datetime.date(2024, 7, 9), max_value=datetime.date(2035, 12, 31)),
    st.sampled_from([datetime.date(2027, 12, 31), datetime.date(2028, 1, 1), datetime.date(2030, 12, 30), datetime.date(2030, 12, 31)]),
)


def test_moving_the_date_changes_only_what_depends_on_a_dated_rule(ivdr):
    dependent = _date_dependent(ivdr)

    @SETTINGS
    @given(answers=st.one_of(any_answers(), purpose_classified()), first=DATES, second=DATES)
    def check(answers, first, second):
        a = consult(ivdr, answers, explore_unknowns=False, as_of=first)
        b = consult(ivdr, answers, explore_unknowns=False, as_of=second)
        for fact in set(a.conclusions) | set(b.conclusions):
            if fact not in dependent:
                assert a.conclusions.get(fact) == b.conclusions.get(fact), (fact, first, second)
        reads_dated = {r.id for r in ivdr.rules.values() if set(facts_in(r.when)) & (dependent | {AS_OF})}
        assert {f.rule for f in a.trace} - reads_dated == {f.rule for f in b.trace} - reads_dated

    check()


def test_an_ended_transition_is_never_reported_as_running(ivdr):
    @SETTINGS
    @given(answers=st.one_of(any_answers(), purpose_classified()), as_of=DATES)
    def check(answers, as_of):
        end = consult(ivdr, answers, explore_unknowns=False, as_of=as_of).conclusions.get("ivdr.legacy_transition_end")
        if end not in (None, "not_applicable", "ended"):
            assert as_of <= datetime.date.fromisoformat(end), (end, as_of)

    check()


def test_the_justification_is_pending_only_before_2031(ivdr):
    @SETTINGS
    @given(answers=st.one_of(any_answers(), purpose_classified()), as_of=DATES)
    def check(answers, as_of):
        exemption = consult(ivdr, answers, explore_unknowns=False, as_of=as_of).conclusions.get("ivdr.in_house_exemption")
        if exemption == "yes_justification_due_2030_12_31":
            assert as_of < datetime.date(2030, 12, 31)

    check()


def test_the_rules_listed_all_give_the_class(ivdr):
    @SETTINGS
    @given(answers=st.one_of(any_answers(), purpose_classified()))
    def check(answers):
        conclusions = consult(ivdr, answers, explore_unknowns=False).conclusions
        cls = conclusions.get("ivdr.class")
        applied = conclusions.get("ivdr.rules_applied", frozenset())
        if cls is None:
            assert not applied
            return
        assert conclusions["ivdr.is_ivd"] in ("yes", "accessory")
        assert applied, "a class always names the rule(s) that gave it"
        assert applied <= conclusions[f"ivdr.rules_class_{cls.lower()}"]
        if "rule_6" in applied:
            assert "ivdr.rules_1_to_4_class" not in conclusions  # Rule 6 only when no Rule 1-4(a) applies

    check()


CRP_SELF_DECLARED = {  # a point-of-care CRP test, self-declared under the IVDD: class B (Rule 6)
    "ivdr.is_software": False,
    "ivdr.product_role": "examines_specimens",
    "ivdr.specimen_origin": "human",
    "ivdr.integral_medical_device": False,
    "ivdr.medical_information": frozenset({"physiological_or_pathological_state"}),
    "ivdr.in_house_use": "not_in_house",
    "ivdr.device_form": "assay",
    "ivdr.user_setting": "near_patient_testing",
    "ivdr.agent_detection": "none",
    "ivdr.blood_grouping": "none",
    "ivdr.test_purpose": frozenset({"none_of_these"}),
    "ivdr.legacy_status": "ivdd_self_declared",
    "ivdr.transition_conditions_met": True,
}


@pytest.mark.parametrize(
    "day, reminders",
    [
        (datetime.date(2026, 12, 1), {"ivdr.t.class_b_application_deadline", "ivdr.t.class_b_agreement_deadline"}),
        (datetime.date(2027, 5, 26), {"ivdr.t.class_b_application_deadline", "ivdr.t.class_b_agreement_deadline"}),
        (datetime.date(2027, 5, 27), {"ivdr.t.class_b_agreement_deadline"}),
        (datetime.date(2027, 9, 26), {"ivdr.t.class_b_agreement_deadline"}),
        (datetime.date(2027, 9, 27), set()),
    ],
)
def test_deadline_reminders_stop_the_day_after(ivdr, day, reminders):
    outcome = consult(ivdr, CRP_SELF_DECLARED, explore_unknowns=False, as_of=day)
    fired = {f.rule for f in outcome.trace}
    assert fired & {"ivdr.t.class_b_application_deadline", "ivdr.t.class_b_agreement_deadline"} == reminders
    assert outcome.conclusions["ivdr.legacy_transition_end"] == "2029-12-31"


def test_the_explanation_says_why_a_transition_has_ended(ivdr):
    from explanations.how import how
    from explanations.render import how_markdown

    outcome = consult(ivdr, CRP_SELF_DECLARED, explore_unknowns=False, as_of=datetime.date(2030, 1, 1))
    assert outcome.conclusions["ivdr.legacy_transition_end"] == "ended"
    step = next(f for f in outcome.trace if f.rule == "ivdr.t.class_b_over")
    assert dict(step.matched)[AS_OF] == datetime.date(2030, 1, 1)
    for lang in ("sv", "en"):
        text = how_markdown(ivdr, how(ivdr, outcome, "ivdr.legacy_transition_end"), lang)
        assert "2029-12-31" in text and "art. 110(3b)-(3c)" in text
