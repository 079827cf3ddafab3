"""Properties of the IP guide that must hold for every set of answers, checked with hypothesis.

The central one comes from the issue: a public disclosure before any filing never leaves
novelty intact in Europe (`ip.novelty_destroyed: 'no'`) unless an EPC Art 55 situation
(evident abuse, official exhibition) or a confidentiality condition is among the answers.
Each property is checked both as a live interview (unanswered questions stay open) and as
a finished answers file (unanswered questions count as not applicable).
"""

from __future__ import annotations

import pytest
from conftest import shipped_kb, shipped_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.consultation import consult
from engine.model import DONT_KNOW, Question

_KB, _ = shipped_kb()
IP = shipped_module("ip")
QUESTIONS = _KB.module_questions("ip")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
EMPLOYEE_ROLES = ("technical_admin_staff", "clinician_or_care_staff", "other_employee")
EXCLUSIONS = {"excluded_treatment_or_surgery", "excluded_diagnosis_on_body", "not_technical_as_such", "not_an_invention_type"}


def value_of(question: Question):
    if question.type == "boolean":
        options = st.booleans()
    elif question.type == "choice":
        options = st.sampled_from(question.values)
    else:
        options = st.sets(st.sampled_from(question.values), min_size=1, max_size=3).map(frozenset)
    return st.one_of(options, st.just(DONT_KNOW))


@st.composite
def answer_sets(draw, **fixed):
    """Some of the IP questions answered at random (don't know included), plus `fixed` answers."""
    chosen = draw(st.lists(st.sampled_from(QUESTIONS), unique_by=lambda q: q.id, max_size=len(QUESTIONS)))
    answers = {q.id: draw(value_of(q)) for q in chosen}
    answers.update(fixed)
    return answers


def outcomes(answers: dict):
    """The same answers read as a live interview and as a finished answers file."""
    return [consult(IP, answers, explore_unknowns=False), consult(IP, answers, explore_unknowns=False, close_unanswered=True)]


def art55_or_confidentiality_answered(outcome) -> bool:
    used = outcome.answers
    channels = used.get("ip.disclosure_channel")
    channels = channels if isinstance(channels, frozenset) else frozenset()
    return (
        used.get("ip.disclosure_source") == "third_party_breach_of_confidence"
        or "official_international_exhibition" in channels
        or "nda_meeting" in channels
        or used.get("ip.disclosure_status") == "disclosed_under_confidentiality"
    )


@SETTINGS
@given(answers=answer_sets(**{"ip.disclosure_status": "disclosed_publicly", "ip.first_filing": "none"}))
def test_public_disclosure_before_filing_never_leaves_novelty_intact(answers):
    for outcome in outcomes(answers):
        if outcome.conclusions.get("ip.novelty_destroyed") == "no":
            assert art55_or_confidentiality_answered(outcome), outcome.answers


@SETTINGS
@given(answers=answer_sets(**{"ip.disclosure_status": "disclosed_publicly", "ip.first_filing": "none"}))
def test_public_disclosure_is_never_a_trade_secret(answers):
    for outcome in outcomes(answers):
        assert outcome.conclusions.get("ip.trade_secret_qualifies") is not True


@SETTINGS
@given(answers=answer_sets(**{"ip.disclosure_status": "disclosed_confidentiality_unclear"}))
def test_unclear_confidentiality_is_never_declared_safe(answers):
    for outcome in outcomes(answers):
        assert outcome.conclusions.get("ip.novelty_destroyed") in (None, "risk", "yes")


@SETTINGS
@given(answers=answer_sets(**{"ip.role": "academic_teacher"}))
def test_a_teacher_is_never_told_the_employer_holds_an_invention_by_the_act(answers):
    """The teachers' exemption: only an agreement or URL 40 a § doubts (unclear) can displace it."""
    for outcome in outcomes(answers):
        owner = outcome.conclusions.get("ip.owner")
        if owner in ("employer", "employer_may_claim"):
            assert outcome.answers.get("ip.contract_assigns_rights") == "to_employer", outcome.answers


@SETTINGS
@given(answers=answer_sets(**{"ip.role": "student"}))
def test_students_are_never_under_lau(answers):
    for outcome in outcomes(answers):
        assert outcome.conclusions.get("ip.lau_applies") is not True
        assert outcome.conclusions.get("ip.owner") in (None, "inventor", "contract_decides", "shared")


@SETTINGS
@given(answers=answer_sets())
def test_patent_verdict_agrees_with_its_reasons(answers):
    for outcome in outcomes(answers):
        reasons = outcome.conclusions.get("ip.patent_reason", frozenset())
        verdict = outcome.conclusions.get("ip.patent_possible")
        if reasons & EXCLUSIONS:
            assert verdict == "no", (reasons, verdict)
        if verdict == "yes":
            assert not reasons & (EXCLUSIONS | {"novelty_lost_by_disclosure", "priority_lost"})


@SETTINGS
@given(answers=answer_sets())
def test_every_ip_conclusion_is_explained_by_a_fired_rule_with_a_source(answers):
    for outcome in outcomes(answers):
        fired = {f.rule for f in outcome.trace}
        for fact in outcome.conclusions:
            rules = [r for r in fired if fact in dict(IP.rules[r].conclude)]
            assert rules, fact
            assert all(IP.rules[r].sources for r in rules)


@pytest.mark.parametrize(
    "role, expected",
    [("academic_teacher", "inventor"), ("student", "inventor"), ("doctoral_student", "unclear_seek_advice")],
)
def test_role_alone_decides_the_default_owner(role, expected):
    outcome = consult(IP, {"ip.affiliation": "umea_university", "ip.role": role}, close_unanswered=True)
    assert outcome.conclusions["ip.owner"] == expected
    assert not outcome.complete and outcome.plan.not_answered


SCENARIO = {
    "ip.affiliation": "umea_university",
    "ip.role": "academic_teacher",
    "ip.result_type": "device_or_instrument",
    "ip.combined_employment": False,
    "ip.work_context": "own_research",
    "ip.contract_assigns_rights": "none",
    "ip.external_coinventors": False,
    "ip.technical_character": True,
    "ip.disclosure_status": "not_disclosed",
    "ip.disclosure_planned": "within_4_weeks",
    "ip.disclosure_channel": frozenset({"poster", "abstract_publication"}),
    "ip.first_filing": "none",
    "ip.key_markets": frozenset({"sweden", "eu", "us"}),
    "ip.secrecy_measures": True,
    "ip.exploitation_goal": "start_company",
    "ip.use_of_others_patent": "none",
}


def typed_reply(question: Question, value) -> str:
    """What a researcher types at the terminal prompt for `value`."""
    if question.type == "boolean":
        return "yes" if value else "no"
    if question.type == "choice":
        return str(question.values.index(value) + 1)
    return ",".join(str(question.values.index(v) + 1) for v in sorted(value, key=question.values.index))


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_a_researcher_can_complete_the_terminal_interview(lang):
    """Typed answers in, a report with ownership, patentability, deadline, routes and next contact out."""
    import io

    from engine.session import Workspace
    from vagvisare.terminal import run_consultation

    replies = []
    answers: dict = {}
    while (nxt := consult(IP, answers, explore_unknowns=False).next_question) is not None:
        replies.append(typed_reply(_KB.questions[nxt], SCENARIO[nxt]))
        answers[nxt] = SCENARIO[nxt]
    lines = iter(replies)
    out = io.StringIO()
    consultation = Workspace(_KB, []).consultation("ip", lang=lang)
    assert run_consultation(consultation, lambda: next(lines, None), out) == 0
    report = out.getvalue()
    for fact in ("ip.owner", "ip.patent_possible", "ip.deadline", "ip.protection_routes", "ip.next_contact"):
        assert _KB.conclusions[fact].text.get(lang) in report
    assert "SFS 1949:345" in report and "EPC" in report  # reasons cite the law


# --- issue 11: the employer decides the teachers' exemption; closed routes are not offered ---------

NOT_A_UNIVERSITY_OR_SCHOOL = ("region_vasterbotten", "region_norrbotten", "other_region", "private_company")


@SETTINGS
@given(
    answers=answer_sets(),
    affiliation=st.sampled_from(NOT_A_UNIVERSITY_OR_SCHOOL),
    role=st.sampled_from(_KB.questions["ip.role"].values),
)
def test_an_employer_that_is_not_a_university_or_school_never_yields_the_teachers_exemption(answers, affiliation, role):
    """LAU 1 § 2 st. exempts teachers at institutions of the education system: a region or company is none."""
    answers = {**answers, "ip.affiliation": affiliation, "ip.role": role}
    for outcome in outcomes(answers):
        assert "ip.own.teacher_exemption" not in {f.rule for f in outcome.trace}, outcome.answers
        if role == "academic_teacher":
            assert outcome.conclusions.get("ip.lau_applies") is not False, outcome.answers


#: The filing routes each passed time limit closes.
CLOSED_BY = {
    "priority_12_months": {"prv_national_first_filing", "ep_application", "ep_unitary_effect", "pct_international"},
    "pct_30_31_months": {"prv_national_first_filing", "ep_application", "ep_unitary_effect", "pct_international"},
    "art55_6_months": {"prv_national_first_filing", "ep_application", "ep_unitary_effect"},
    "us_grace_12_months": {"pct_international"},
}


@st.composite
def late_answer_sets(draw):
    """Answer sets that lean towards passed time limits: old filings and old disclosures."""
    answers = draw(answer_sets())
    answers["ip.first_filing"] = draw(st.sampled_from(["none", "swedish_or_european", "pct"]))
    answers["ip.months_since_first_filing"] = draw(st.sampled_from(["under_12", "12_to_30", "over_30"]))
    answers["ip.key_markets"] = frozenset(draw(st.sets(st.sampled_from(["sweden", "eu", "us", "other"]), min_size=1)))
    return answers


@SETTINGS
@given(answers=late_answer_sets())
def test_no_filing_route_is_offered_once_its_time_limit_has_passed(answers):
    for outcome in outcomes(answers):
        missed = outcome.conclusions.get("ip.missed_deadlines", frozenset())
        routes = outcome.conclusions.get("ip.filing_route", frozenset())
        for limit in missed:
            assert not routes & CLOSED_BY.get(limit, set()), (limit, routes, outcome.answers)
