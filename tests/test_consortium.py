"""The consortium guide with the dated country list: properties checked with hypothesis.

The central property comes from the issue: for random consortia, with countries drawn from
the dated list and a random call date, the guide's `consortium.eligible` agrees with a direct
count of distinct Member States and Associated Countries (the three-country rule of
Regulation (EU) 2021/695 Art. 22(2)). The answers come from the partner table, as the web UI
fills them, so the counting and the rules are checked together.
"""

from __future__ import annotations

import datetime as dt

from conftest import shipped_kb, shipped_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.answers import parse_answers
from engine.consultation import consult
from engine.countries import load_countries
from engine.partner_table import KINDS, PartnerRow, counts_from_partners

_KB, _ = shipped_kb()
GUIDE = shipped_module("consortium")
COUNTRIES, _ = load_countries(_KB.root)
CODES = COUNTRIES.codes + ["XX"]  # one code the list does not know
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THREE_COUNTRY = ("horizon_collaborative", "horizon_cluster1_health", "eic_pathfinder_open", "ihi")

rows = st.lists(
    st.builds(PartnerRow, name=st.text(min_size=1, max_size=8), country=st.sampled_from(CODES), kind=st.sampled_from(KINDS), sme=st.none()),
    min_size=1,
    max_size=7,
)
days = st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2027, 12, 31))


def direct_count(partners: list[PartnerRow], instrument: str, on: dt.date) -> bool:
    """The three-country rule counted straight from the country list, independently of the guide."""
    members, associated = set(), set()
    for p in partners:
        c = COUNTRIES.get(p.country)
        if c is None:
            continue
        if c.status == "member_state":
            members.add(c.code)
        elif c.status == "associated" and (c.applies_from is None or c.applies_from <= on):
            if c.scope == "all" or not instrument.startswith("eic_"):
                associated.add(c.code)
    return len(partners) >= 3 and len(members) >= 1 and len(members) + len(associated) >= 3


def run_guide(partners, instrument, on, extra):
    result = counts_from_partners(partners, COUNTRIES, instrument, on)
    answers = {"consortium.instrument": instrument, **result.answers, **extra}
    answers.setdefault("consortium.lead_country", "other_country")  # an unknown lead country is left to the user
    outcome = consult(GUIDE, parse_answers(_KB, answers, "table", "consortium"), explore_unknowns=False, close_unanswered=True)
    return outcome


@SETTINGS
@given(
    partners=rows,
    instrument=st.sampled_from(("horizon_collaborative", "horizon_cluster1_health", "eic_pathfinder_open")),
    on=days,
    trl=st.integers(1, 9),
)
def test_eligible_agrees_with_a_direct_count_of_countries(partners, instrument, on, trl):
    extra = {"consortium.trl_now": trl} if instrument == "eic_pathfinder_open" else {}
    outcome = run_guide(partners, instrument, on, extra)
    assert outcome.complete, outcome.next_question
    expected = "yes" if direct_count(partners, instrument, on) else "no"
    assert outcome.conclusions["consortium.eligible"] == expected


@SETTINGS
@given(
    partners=rows,
    on=days,
    call=st.sampled_from(("single_stage", "two_stage")),
    industry=st.sampled_from(("none", "contributing_under_45", "contributing_45_or_more")),
)
def test_ihi_is_never_eligible_when_the_count_fails_and_never_no_when_it_holds(partners, on, call, industry):
    outcome = run_guide(partners, "ihi", on, {"consortium.ihi_call_type": call, "consortium.ihi_industry_partners": industry})
    assert outcome.complete
    eligible = outcome.conclusions["consortium.eligible"]
    if direct_count(partners, "ihi", on):
        assert eligible in ("yes", "unclear")
    else:
        assert eligible == "no"


def test_pillar_two_associations_count_for_the_clusters_but_not_for_the_eic():
    table = [PartnerRow("Umeå", "SE", "university"), PartnerRow("Toronto", "CA", "university"), PartnerRow("Seoul", "KR", "university")]
    day = dt.date(2026, 12, 1)
    cluster = counts_from_partners(table, COUNTRIES, "horizon_cluster1_health", day).answers
    eic = counts_from_partners(table, COUNTRIES, "eic_pathfinder_open", day).answers
    assert (cluster["consortium.member_state_count"], cluster["consortium.associated_country_count"]) == (1, 2)
    assert (eic["consortium.member_state_count"], eic["consortium.associated_country_count"]) == (1, 0)


def test_an_association_counts_only_from_the_day_it_applies():
    table = [PartnerRow("Luleå", "SE", "university"), PartnerRow("Bern", "CH", "university"), PartnerRow("Kyoto", "JP", "university")]
    before = counts_from_partners(table, COUNTRIES, "horizon_collaborative", dt.date(2024, 6, 1)).answers
    after = counts_from_partners(table, COUNTRIES, "horizon_collaborative", dt.date(2026, 6, 1)).answers
    assert before["consortium.associated_country_count"] == 0  # Switzerland from 2025, Japan from 2026
    assert after["consortium.associated_country_count"] == 2


def test_counts_explain_themselves_in_both_languages_and_report_unknown_countries():
    table = [PartnerRow("Umeå", "SE", "university"), PartnerRow("Oslo", "NO", "region"), PartnerRow("Nowhere", "XX", "company", True)]
    result = counts_from_partners(table, COUNTRIES, "eurostars", dt.date(2026, 12, 1))
    assert result.answers == {
        "consortium.lead_applicant_type": "university",
        "consortium.lead_country": "sweden",
        "consortium.entity_count": 3,
        "consortium.eurostars_country_count": 2,
    }
    assert all(c.explanation.sv and c.explanation.en for c in result.counts)
    assert len(result.problems) == 1 and "XX" in result.problems[0].en


def test_aurora_countries_come_from_the_table():
    table = [PartnerRow("Region Norrbotten", "SE", "region"), PartnerRow("UiT", "NO", "university"), PartnerRow("Oulu", "FI", "university")]
    answers = counts_from_partners(table, COUNTRIES, "interreg_aurora", dt.date(2026, 12, 1)).answers
    assert answers["consortium.aurora_partner_countries"] == ["finland", "norway", "sweden"]
