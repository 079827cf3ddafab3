"""The dated registers: the country list, the partner directory and the call calendar.

`check` must reject broken entries with `file:line: what — fix` and 'did you mean', a
suggested partner must always have the roles that fill its gap, and past calendar items
must never reach a user.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import shipped_kb
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.call_calendar import Calendar, Call, Event, load_calendar, upcoming
from engine.countries import load_countries
from engine.directory import GAP_ROLES, ROLES, load_directory, search, suggest
from engine.loader import load
from engine.model import Origin, Text
from engine.register_checks import validate_registers
from vagvisare.cli import main

TODAY = dt.date(2026, 12, 1)
_KB, _ = shipped_kb()
DIRECTORY, _ = load_directory(_KB.root)
COUNTRIES, _ = load_countries(_KB.root)

COUNTRIES_YAML = """
    as_of: 2026-11-01
    countries:
      - code: SE
        name: {sv: Sverige, en: Sweden}
        status: member_state
        aurora: true
        sources: [{source: act, pinpoint: "1 §"}]
      - code: 'NO'
        name: {sv: Norge, en: Norway}
        status: associated
        scope: all
        applies_from: 2022-06-20
        aurora: true
        sources: [{source: act, pinpoint: "2 §"}]
    """

PARTNERS_YAML = """
    partners:
      - id: uni
        name: {sv: Universitetet, en: The university}
        description: {sv: Ett universitet., en: A university.}
        competences:
          - {sv: Forskning, en: Research}
        roles: [coordinator, research_partner]
        country: SE
        programme_area: aurora
        contact:
          route: {sv: Grants Office, en: Grants Office}
          url: https://example.org/
        sources: [{source: act, pinpoint: "3 §"}]
        as_of: 2026-11-01
    """

CALENDAR_YAML = """
    calls:
      - id: next_call
        title: {sv: Nästa utlysning, en: Next call}
        deadline: 2027-03-01
        link: https://example.org/call
        sources: [{source: act, pinpoint: "4 §"}]
        as_of: 2026-11-01
    events: []
    """


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def registers(tiny_kb: Path) -> Path:
    """The tiny knowledge base with a valid country list, directory and calendar."""
    write(tiny_kb, "knowledge_base/countries.yaml", COUNTRIES_YAML)
    write(tiny_kb, "knowledge_base/partners.yaml", PARTNERS_YAML)
    write(tiny_kb, "knowledge_base/calendar.yaml", CALENDAR_YAML)
    return tiny_kb


def problems_of(root: Path, today: dt.date = TODAY) -> list[str]:
    kb, _ = load(root, strict=False)
    found, _ = validate_registers(root, kb, today)
    return [str(p) for p in found]


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- check ------------------------------------------------------------------------------


def test_the_shipped_registers_have_no_errors_today():
    assert [p for p in problems_of(Path(_KB.root)) if ": error:" in p] == []


def test_valid_registers_give_no_problem(registers):
    assert problems_of(registers) == []


def test_an_unknown_role_is_an_error_with_did_you_mean(registers):
    edit(registers, "knowledge_base/partners.yaml", "research_partner]", "research_parter]")
    assert problems_of(registers) == [
        "knowledge_base/partners.yaml:7: error: unknown role of partner 'uni': 'research_parter' — did you mean 'research_partner'?"
    ]


def test_an_unknown_country_is_an_error(registers):
    edit(registers, "knowledge_base/partners.yaml", "country: SE", "country: SW")
    assert problems_of(registers) == ["knowledge_base/partners.yaml:2: error: unknown country of partner 'uni': 'SW' — use one of: SE, NO"]


def test_a_partner_without_sources_or_as_of_is_an_error(registers):
    edit(registers, "knowledge_base/partners.yaml", '    sources: [{source: act, pinpoint: "3 §"}]\n    as_of: 2026-11-01\n', "")
    assert problems_of(registers) == [
        "knowledge_base/partners.yaml:2: error: partner 'uni' names no source — add 'sources:' with '- {source: id, pinpoint: …}'",
        "knowledge_base/partners.yaml:2: error: partner 'uni' has no 'as_of' — add 'as_of: YYYY-MM-DD'",
    ]


def test_an_unknown_source_is_an_error(registers):
    edit(registers, "knowledge_base/calendar.yaml", "source: act", "source: akt")
    assert problems_of(registers) == [
        "knowledge_base/calendar.yaml:2: error: call 'next_call' cites unknown source 'akt' — did you mean 'act'?"
    ]


def test_a_date_that_is_not_a_date_is_an_error(registers):
    edit(registers, "knowledge_base/calendar.yaml", "deadline: 2027-03-01", "deadline: 1 March 2027")
    assert problems_of(registers) == [
        "knowledge_base/calendar.yaml:4: error: 'deadline' of call 'next_call' is not a date: '1 March 2027' — write it as YYYY-MM-DD, e.g. 2026-12-01"
    ]


def test_a_passed_deadline_is_a_warning(registers):
    assert problems_of(registers, dt.date(2027, 3, 2)) == [
        "knowledge_base/calendar.yaml:2: warning: call 'next_call': its deadline passed on 2027-03-01; it is hidden from users — update it to the next date or remove it"
    ]


def test_an_unknown_instrument_in_the_calendar_is_an_error(tmp_path):
    import shutil

    root = tmp_path / "kb"
    shutil.copytree(_KB.root, root, ignore=shutil.ignore_patterns(".venv", ".git", "*.pyc", "tests", "bench", "webui"))
    edit(root, "knowledge_base/calendar.yaml", "instrument: eic_accelerator", "instrument: eic_acelerator")
    assert [p for p in problems_of(root) if ": error:" in p] == [
        "knowledge_base/calendar.yaml:8: error: unknown instrument of call 'eic_accelerator_2026_short': 'eic_acelerator' — did you mean 'eic_accelerator'?"
    ]


def test_a_country_list_older_than_a_year_is_a_warning(registers):
    assert problems_of(registers, dt.date(2027, 11, 2)) == [
        "knowledge_base/countries.yaml:1: warning: the country list was confirmed on 2026-11-01, more than a year ago — check the source again and update 'as_of'",
        "knowledge_base/partners.yaml:2: warning: partner 'uni' was confirmed on 2026-11-01, more than a year ago — check the source again and update 'as_of'",
        "knowledge_base/calendar.yaml:2: warning: call 'next_call': its deadline passed on 2027-03-01; it is hidden from users — update it to the next date or remove it",
        "knowledge_base/calendar.yaml:2: warning: call 'next_call' was confirmed on 2026-11-01, more than a year ago — check the source again and update 'as_of'",
    ]


def test_an_unquoted_norway_is_caught(registers):
    edit(registers, "knowledge_base/countries.yaml", "code: 'NO'", "code: NO")
    assert "knowledge_base/countries.yaml:8: error: the country code False was read as a boolean — quote it: code: 'NO'" in problems_of(
        registers
    )


def test_an_associated_country_needs_its_scope(registers):
    edit(registers, "knowledge_base/countries.yaml", "    scope: all\n", "")
    assert problems_of(registers) == [
        "knowledge_base/countries.yaml:8: error: country 'NO' is associated but has no 'scope' — add 'scope: all' or 'scope: pillar_2'"
    ]


def test_vagvisare_check_shows_register_problems(registers):
    edit(registers, "knowledge_base/partners.yaml", "programme_area: aurora", "programme_area: aurroa")
    result = CliRunner().invoke(main, ["check", "--kb", str(registers)])
    assert result.exit_code == 1
    assert (
        "knowledge_base/partners.yaml:9: error: unknown programme area of partner 'uni': 'aurroa' — did you mean 'aurora'?" in result.output
    )


# --- the directory -------------------------------------------------------------------------


def test_every_entry_is_dated_sourced_and_bilingual():
    assert DIRECTORY.partners
    for p in DIRECTORY.partners:
        assert p.sources and p.as_of and p.contact.url.startswith("https://")
        assert all(t.sv and t.en for t in (p.name, p.description, p.contact.route, *p.competences)), p.id
        assert set(p.roles) <= set(ROLES)


@settings(max_examples=60, deadline=None)
@given(gaps=st.sets(st.sampled_from(_KB.fact_values("consortium.missing"))), lead=st.sampled_from(["SE", "FI", "NO"]))
def test_a_suggested_partner_always_has_the_roles_that_fill_the_gap(gaps, lead):
    for found in suggest(DIRECTORY, gaps, lead, COUNTRIES):
        for s in found.suggestions:
            assert set(GAP_ROLES[found.gap]) <= set(s.partner.roles)
            assert s.reason.sv and s.reason.en
        assert found.suggestions or found.note is not None


def test_gaps_across_the_border_are_filled_from_another_country():
    found = {g.gap: g for g in suggest(DIRECTORY, ["need_second_programme_country", "need_care_provider_coordinator"], "SE", COUNTRIES)}
    assert {s.partner.country for s in found["need_second_programme_country"].suggestions} == {"FI", "NO"}
    assert {s.partner.id for s in found["need_care_provider_coordinator"].suggestions} == {"region_vasterbotten", "region_norrbotten"}


def test_search_by_words_role_and_country():
    assert [p.id for p in search(DIRECTORY, "e-health", country="NO")] == ["uit_arctic_university", "norwegian_centre_ehealth_research"]
    assert {p.id for p in search(DIRECTORY, role="care_provider", country="SE")} == {
        "region_vasterbotten",
        "region_norrbotten",
        "lulea_municipality",
    }
    assert search(DIRECTORY, "no such competence") == []


# --- the calendar --------------------------------------------------------------------------


def _call(cid: str, deadline: dt.date) -> Call:
    return Call(cid, Text(cid, cid), None, None, deadline, "https://example.org", None, (), TODAY, Origin("x", 1))


def test_past_items_are_hidden():
    event = Event(
        "fair",
        Text("f", "f"),
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 2),
        Text("", ""),
        "https://example.org",
        None,
        (),
        TODAY,
        Origin("x", 1),
    )
    calendar = Calendar((_call("past", dt.date(2026, 11, 30)), _call("today", TODAY), _call("later", dt.date(2027, 1, 5))), (event,))
    assert [i.id for i in upcoming(calendar, TODAY)] == ["today", "fair", "later"]
    assert [i.id for i in upcoming(calendar, dt.date(2026, 12, 3))] == ["later"]


def test_the_shipped_calendar_hides_everything_once_past():
    calendar, _ = load_calendar(_KB.root)
    assert upcoming(calendar, TODAY)
    assert upcoming(calendar, dt.date(2030, 1, 1)) == []


# --- the command line ----------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_partners_and_fill():
    result = run("partners", "telemedicine", "--lang", "en")
    assert result.exit_code == 0 and "UiT The Arctic University of Norway (NO)" in result.output
    result = run("partners", "--fill", "need_cofunding", "--lang", "en")
    assert "This is not a gap a new partner fills" in result.output
    result = run("partners", "--fill", "need_more_countrys")
    assert result.exit_code == 2 and "did you mean 'need_more_countries'?" in result.output


def test_cli_calendar_hides_past_items_unless_all():
    assert "Inga kommande" in run("calendar", "--today", "2030-01-01").output
    assert "2026-12-17" in run("calendar", "--all", "--today", "2030-01-01").output


def test_cli_counts_writes_an_answers_file_the_guide_reads(tmp_path):
    table = tmp_path / "table.yaml"
    table.write_text(
        "- {name: UmU, country: SE, kind: university}\n- {name: Oulu, country: FI, kind: university}\n- {name: UiT, country: 'NO', kind: university}\n"
    )
    result = run("counts", str(table), "--instrument", "horizon_cluster1_health", "--today", "2026-12-01", "--lang", "en")
    assert result.exit_code == 0
    answers = tmp_path / "answers.yaml"
    answers.write_text(result.output)
    evaluated = run("evaluate", "consortium", "--answers", str(answers))
    assert '"consortium.eligible": "yes"' in evaluated.output and '"complete": true' in evaluated.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {name: X, country: SE, kind: universty}\n")
    result = run("counts", str(bad), "--instrument", "ihi")
    assert result.exit_code == 2 and "did you mean 'university'?" in result.output
