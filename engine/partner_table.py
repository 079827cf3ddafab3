"""From a consortium's partner table to the answers the consortium guide asks for.

A user lists the planned partners (name, country, kind of organisation, SME yes/no), the lead
applicant first. `counts_from_partners` turns the table into the count answers of the guide
(entity_count, member_state_count, associated_country_count, eurostars_country_count,
aurora_partner_countries, and the lead's kind, country and SME status) with a plain
explanation of each count in Swedish and English, using the dated country list: an
association counts only from the day it applies and only for the parts of the programme it
covers (Pillar-II-only associations do not count for EIC calls).

Each row is read as one independent legal entity; linked entities (same owner) must be one
row, as the guide's question says. Rows the list cannot place are reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.countries import CountryList
from engine.errors import AnswerError
from engine.model import Text
from engine.problems import Problem, did_you_mean, show

#: The kinds of organisation a row may have: the guide's lead-applicant types.
KINDS = ("company", "university", "region", "municipality", "research_institute", "nonprofit", "private_person")

THREE_COUNTRY = ("horizon_collaborative", "horizon_cluster1_health", "eic_pathfinder_open", "ihi")
EIC = ("eic_pathfinder_open", "eic_accelerator")
AURORA_CODES = {"SE": "sweden", "FI": "finland", "NO": "norway"}


@dataclass(frozen=True)
class PartnerRow:
    """One planned partner. `sme` is None when not known."""

    name: str
    country: str  # ISO 3166-1 alpha-2 code
    kind: str
    sme: bool | None = None


@dataclass(frozen=True)
class Count:
    """One answer filled in from the table, with why it has that value."""

    fact: str
    value: object
    explanation: Text


@dataclass(frozen=True)
class PartnerCounts:
    answers: dict  # fact id → value, ready for the guide
    counts: tuple[Count, ...]
    problems: tuple[Text, ...]  # rows the list could not place; their counts leave them out


#: A partner table longer than this is refused (a consortium, not a register).
MAX_ROWS = 500


def rows_from_data(data, name: str) -> list[PartnerRow]:
    """Partner rows from a YAML or JSON list of {name, country, kind, sme}; raises AnswerError
    naming the file (or form field), the row and the fix for every row that does not fit."""
    if not isinstance(data, list) or not data:
        raise AnswerError(
            Problem(
                name, 0, "the partner table must be a list of partners", "write '- {name: …, country: SE, kind: university, sme: false}'"
            )
        )
    if len(data) > MAX_ROWS:
        raise AnswerError(Problem(name, 0, f"the partner table has more than {MAX_ROWS} rows", "list the consortium's partners only"))
    rows, problems = [], []
    for i, item in enumerate(data):
        line = data.line_of(i) if hasattr(data, "line_of") else 0
        where = name if line else f"{name}[{i + 1}]"
        if not isinstance(item, dict) or not {"name", "country", "kind"} <= set(item):
            problems.append(
                Problem(where, line, "a row needs name, country and kind", "write '- {name: …, country: SE, kind: university}'")
            )
            continue
        kind, country, sme = item["kind"], item["country"], item.get("sme")
        if kind not in KINDS:
            problems.append(
                Problem(where, line, f"unknown kind {show(kind)}", did_you_mean(kind, KINDS) or f"use one of: {', '.join(KINDS)}")
            )
            continue
        if isinstance(country, bool):
            problems.append(Problem(where, line, "the country was read as a boolean", "quote it: country: 'NO'"))
            continue
        if not isinstance(country, str) or not country.strip():
            problems.append(Problem(where, line, f"the country must be a country code, not {show(country)}", "write e.g. country: FI"))
            continue
        if sme is not None and not isinstance(sme, bool):
            problems.append(Problem(where, line, "'sme' must be true or false", "leave it out when unknown"))
            continue
        rows.append(PartnerRow(str(item["name"])[:200], country.strip().upper(), kind, sme))
    if problems:
        raise AnswerError(problems)
    return rows


def counts_from_partners(partners: list[PartnerRow], countries: CountryList, instrument: str, on: dt.date) -> PartnerCounts:
    """The guide's count answers for `instrument` from `partners` (lead first), as of `on`."""
    counts: list[Count] = []
    problems: list[Text] = []
    placed = []
    for row in partners:
        country = countries.get(row.country)
        if country is None:
            problems.append(
                Text(
                    f"{row.name}: landet '{row.country}' finns inte i landlistan och räknas inte i något land.",
                    f"{row.name}: the country '{row.country}' is not in the country list and is counted in no country.",
                )
            )
        if row.kind not in KINDS:
            problems.append(
                Text(f"{row.name}: okänd sorts organisation '{row.kind}'.", f"{row.name}: unknown kind of organisation '{row.kind}'.")
            )
        placed.append((row, country))

    def counts_as_associated(country) -> bool:
        return country is not None and country.associated_on(on) and (country.scope == "all" or instrument not in EIC)

    if partners:
        lead, lead_country = placed[0]
        counts.append(
            Count(
                "consortium.lead_applicant_type",
                lead.kind,
                Text(
                    f"{lead.name} står först i tabellen och är huvudsökande.",
                    f"{lead.name} is first in the table and is the lead applicant.",
                ),
            )
        )
        if lead_country is not None:  # an unknown country is reported above, not guessed
            counts.append(
                Count("consortium.lead_country", _lead_country(lead_country, counts_as_associated), _lead_country_text(lead, lead_country))
            )
        if instrument in ("eurostars", "eic_accelerator") and lead.kind == "company" and lead.sme is not None:
            counts.append(
                Count(
                    "consortium.lead_is_sme",
                    lead.sme,
                    Text(
                        f"{lead.name} är markerad som {'SMF' if lead.sme else 'inte SMF'}.",
                        f"{lead.name} is marked as {'an SME' if lead.sme else 'not an SME'}.",
                    ),
                )
            )
    if instrument in THREE_COUNTRY + ("eurostars", "eic_accelerator"):
        counts.append(
            Count(
                "consortium.entity_count",
                len(partners),
                Text(
                    f"{len(partners)} rader: varje rad räknas som en oberoende juridisk person. Slå ihop enheter med samma ägare till en rad och ta bort underleverantörer.",
                    f"{len(partners)} rows: each row counts as one independent legal entity. Merge entities with the same owner into one row and remove subcontractors.",
                ),
            )
        )
    if instrument in THREE_COUNTRY:
        members = _distinct(c for _, c in placed if c is not None and c.status == "member_state")
        associated = _distinct(c for _, c in placed if counts_as_associated(c))
        left_out = _distinct(c for _, c in placed if c is not None and c.status != "member_state" and not counts_as_associated(c))
        counts.append(Count("consortium.member_state_count", len(members), _list_text(members, "EU-land", "EU Member State")))
        text = _list_text(associated, "associerat land", "associated country")
        if left_out:
            names_sv = ", ".join(c.name.sv for c in left_out)
            names_en = ", ".join(c.name.en for c in left_out)
            text = Text(
                f"{text.sv} Räknas inte, eftersom de inte är associerade för den här utlysningen vid detta datum: {names_sv}.",
                f"{text.en} Not counted, as they are not associated for this call on this date: {names_en}.",
            )
        counts.append(Count("consortium.associated_country_count", len(associated), text))
    if instrument == "eurostars":
        confirmed = _distinct(c for _, c in placed if c is not None and c.eurostars)
        unsure = _distinct(c for _, c in placed if c is not None and c.eurostars is None)
        text = _list_text(confirmed, "Eurostarsland", "Eurostars country")
        if unsure:
            text = Text(
                f"{text.sv} Inte bekräftade som Eurostarsländer och därför inte räknade: {', '.join(c.name.sv for c in unsure)}.",
                f"{text.en} Not confirmed as Eurostars countries and so not counted: {', '.join(c.name.en for c in unsure)}.",
            )
        counts.append(Count("consortium.eurostars_country_count", len(confirmed), text))
    if instrument == "interreg_aurora":
        present = sorted({AURORA_CODES[c.code] for _, c in placed if c is not None and c.code in AURORA_CODES})
        inside = _distinct(c for _, c in placed if c is not None and c.aurora)
        counts.append(
            Count(
                "consortium.aurora_partner_countries",
                present,
                Text(
                    f"Auroraländer med minst en partner: {', '.join(c.name.sv for c in inside) or 'inga'}. Om partnern finns inom programområdet (t.ex. Norrbotten, Lappland, Nordland) framgår inte av landet – svara på den frågan själv.",
                    f"Aurora countries with at least one partner: {', '.join(c.name.en for c in inside) or 'none'}. Whether a partner is inside the programme area (e.g. Norrbotten, Lapland, Nordland) does not follow from the country – answer that question yourself.",
                ),
            )
        )
    return PartnerCounts({c.fact: c.value for c in counts}, tuple(counts), tuple(problems))


def _distinct(countries) -> list:
    seen: dict[str, object] = {}
    for c in countries:
        seen.setdefault(c.code, c)
    return list(seen.values())


def _list_text(countries: list, one_sv: str, one_en: str) -> Text:
    names_sv = ", ".join(c.name.sv for c in countries) or "inga"
    names_en = ", ".join(c.name.en for c in countries) or "none"
    return Text(
        f"{len(countries)} olika ({one_sv}): {names_sv}. Varje land räknas en gång hur många partner det än har.",
        f"{len(countries)} different ({one_en}): {names_en}. Each country counts once however many partners it has.",
    )


def _lead_country(country, counts_as_associated) -> str:
    if country.code == "SE":
        return "sweden"
    if country.status == "member_state":
        return "other_member_state"
    if counts_as_associated(country):
        return "associated_country"
    return "other_country"


def _lead_country_text(lead: PartnerRow, country) -> Text:
    return Text(f"{lead.name} är etablerad i {country.name.sv}.", f"{lead.name} is established in {country.name.en}.")
