"""The partner directory ("partnersök"): organisations that can take roles in consortia.

`knowledge_base/partners.yaml` lists the region's universities and research environments,
the regions' R&D units and test beds, municipal care, incubators and SME networks, and
cross-border partners in the Interreg Aurora area. Each entry has competences, the roles it
can take (a fixed vocabulary, `ROLES`), its country, programme area, contact route, sources
and the date it was confirmed.

Pure functions for the CLI and the web UI: `search` filters the directory, `suggest` picks
entries that can fill the gaps the consortium guide found (`consortium.missing`) and says
why each fits. A suggested entry always has every role the gap asks for (`GAP_ROLES`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from engine.countries import CountryList
from engine.model import KnowledgeBase, Origin, SourceRef, Text
from engine.problems import Problem
from engine.reading import Reader
from engine.registers import check_as_of, check_choice, check_sources, read_date, read_document, read_sources, read_url

PARTNERS_FILE = "knowledge_base/partners.yaml"

#: The roles an organisation can take in a consortium.
ROLES = (
    "coordinator",  # can lead a consortium (has the grants support to do so)
    "research_partner",  # does research or development in the project
    "care_provider",  # receives patients or care users and runs the care activity
    "test_bed",  # offers a test environment (innovation clinic, living lab, test lab)
    "end_user",  # organisation whose staff or clients will use the result
    "sme",  # is itself a small or medium-sized enterprise
    "sme_network",  # gives access to SMEs (incubator, cluster, business network)
    "business_support",  # helps found and grow companies
)

#: Where an entry lies with respect to the Interreg Aurora programme area.
PROGRAMME_AREAS = ("aurora", "outside_aurora")

#: The roles an entry must have to fill a gap of the guide. Gaps a partner cannot fill
#: (budget shares, company age, technology level, …) are not listed: `suggest` explains that.
GAP_ROLES: dict[str, tuple[str, ...]] = {
    "need_more_entities": ("research_partner",),
    "need_more_countries": ("research_partner",),
    "need_member_state_entity": ("research_partner",),
    "need_second_eurostars_country": ("research_partner",),
    "need_second_programme_country": ("research_partner",),
    "need_care_provider_coordinator": ("care_provider", "coordinator"),
    "need_sme_applicant": ("sme_network",),
    "need_sme_budget_share": ("sme_network",),
    "need_company_applicant": ("business_support",),
}


@dataclass(frozen=True)
class Contact:
    route: Text  # e.g. "the Grants Office"
    url: str


@dataclass(frozen=True)
class Partner:
    id: str
    name: Text
    description: Text
    competences: tuple[Text, ...]
    roles: tuple[str, ...]
    country: str
    programme_area: str
    contact: Contact
    sources: tuple[SourceRef, ...]
    as_of: dt.date | None
    origin: Origin


@dataclass(frozen=True)
class Directory:
    partners: tuple[Partner, ...]


@dataclass(frozen=True)
class Suggestion:
    gap: str
    partner: Partner
    reason: Text


@dataclass(frozen=True)
class GapSuggestions:
    """The entries that could fill one gap, or a note on why no partner can."""

    gap: str
    suggestions: tuple[Suggestion, ...]
    note: Text | None


# --- loading and checking -----------------------------------------------------------------


def load_directory(root: Path | str) -> tuple[Directory | None, list[Problem]]:
    if not (Path(root) / PARTNERS_FILE).exists():
        return None, [Problem(PARTNERS_FILE, 0, "the partner directory is missing", "create it with a 'partners:' list")]
    doc, reader = read_document(root, PARTNERS_FILE, ("partners",))
    if doc is None:
        return None, reader.problems
    items = [_partner(reader, item, line) for line, item in reader.items(doc, "partners", "partners ('- id: …')")]
    return Directory(tuple(p for p in items if p)), reader.problems


def _partner(reader: Reader, node, line: int) -> Partner | None:
    m = reader.mapping(node, "a partner", line)
    keys = ("id", "name", "description", "competences", "roles", "country", "programme_area", "contact")
    if m is None or not reader.keys(m, "a partner", keys, ("sources", "as_of")):  # those two: reported below with the id
        return None
    pid = str(m["id"])
    what = f"partner '{pid}'"
    if isinstance(m["country"], bool):  # YAML 1.1 reads an unquoted NO as false
        reader.problem(m.line_of("country"), f"the country of {what} was read as a boolean", "quote it: country: 'NO'")
    competences = []
    for cline, item in reader.items(m, "competences", "competences ('- {sv: …, en: …}')"):
        c = reader.mapping(item, f"a competence of {what}", cline)
        if c is not None and reader.keys(c, f"a competence of {what}", ("sv", "en"), ()):
            competences.append(Text(str(c["sv"]), str(c["en"])))
    if not competences:
        reader.problem(m.line_of("competences"), f"{what} lists no competence", "add at least one '- {sv: …, en: …}'")
    roles = [(rline, str(r)) for rline, r in reader.items(m, "roles", "roles")]
    for rline, role in roles:
        reader.problems.extend(check_choice(role, ROLES, Origin(reader.name, rline), f"role of {what}"))
    if not roles:
        reader.problem(m.line_of("roles"), f"{what} takes no role", f"list roles from: {', '.join(ROLES)}")
    area = str(m["programme_area"])
    reader.problems.extend(
        check_choice(area, PROGRAMME_AREAS, Origin(reader.name, m.line_of("programme_area")), f"programme area of {what}")
    )
    contact = reader.mapping(m["contact"], f"'contact' of {what}", m.line_of("contact"))
    route, url = Text("", ""), ""
    if contact is not None and reader.keys(contact, f"'contact' of {what}", ("route", "url"), ()):
        route = reader.text(contact, "route", f"the contact of {what}") or route
        url = read_url(reader, contact, "url", f"the contact of {what}")
    return Partner(
        id=pid,
        name=reader.text(m, "name", what) or Text(pid, pid),
        description=reader.text(m, "description", what) or Text("", ""),
        competences=tuple(competences),
        roles=tuple(r for _, r in roles if r in ROLES),
        country=str(m["country"]).upper(),
        programme_area=area,
        contact=Contact(route, url),
        sources=read_sources(reader, m, what),
        as_of=read_date(reader, m, "as_of", what),
        origin=reader.origin(m),
    )


def check_directory(directory: Directory, kb: KnowledgeBase | None, countries: CountryList | None, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Origin] = {}
    for p in directory.partners:
        what = f"partner '{p.id}'"
        if p.id in seen:
            problems.append(
                Problem(p.origin.file, p.origin.line, f"duplicate {what} (first at {seen[p.id]})", "give each entry its own id")
            )
        seen[p.id] = p.origin
        if countries is not None:
            problems.extend(check_choice(p.country, countries.codes, p.origin, f"country of {what}"))
        if kb is not None:
            problems.extend(check_sources(p.sources, kb, p.origin, what))
        problems.extend(check_as_of(p.as_of, today, p.origin, what))
    return problems


def validate_directory(
    root: Path | str, kb: KnowledgeBase | None, countries: CountryList | None, today: dt.date
) -> tuple[Directory | None, list[Problem]]:
    directory, problems = load_directory(root)
    if directory is None:
        return None, problems
    return directory, problems + check_directory(directory, kb, countries, today)


# --- queries -----------------------------------------------------------------------------


def search(directory: Directory, text: str | None = None, role: str | None = None, country: str | None = None) -> list[Partner]:
    """Entries whose names, description or competences (either language) contain every word of
    `text`, that take `role` and are in `country` (a code); each filter optional."""
    words = (text or "").lower().split()
    found = []
    for p in directory.partners:
        if role and role not in p.roles:
            continue
        if country and p.country != country.upper():
            continue
        haystack = " ".join(
            [p.id, p.name.sv, p.name.en, p.description.sv, p.description.en] + [c.sv + " " + c.en for c in p.competences]
        ).lower()
        if all(w in haystack for w in words):
            found.append(p)
    return found


def suggest(
    directory: Directory, missing: list[str] | tuple[str, ...] | frozenset, lead_country: str = "SE", countries: CountryList | None = None
) -> list[GapSuggestions]:
    """For each gap in `missing` (values of consortium.missing), the directory entries that can
    fill it, with a reason; `lead_country` (a code) is where the consortium already is."""
    result = []
    for gap in sorted(missing):
        if gap == "none":
            continue
        roles = GAP_ROLES.get(gap)
        if roles is None:
            result.append(GapSuggestions(gap, (), _NO_PARTNER))
            continue
        picks = [p for p in directory.partners if all(r in p.roles for r in roles) and _place_fits(gap, p, lead_country, countries)]
        note = None if picks else _NONE_FOUND
        result.append(GapSuggestions(gap, tuple(Suggestion(gap, p, _reason(gap, p, countries)) for p in picks), note))
    return result


def _place_fits(gap: str, p: Partner, lead_country: str, countries: CountryList | None) -> bool:
    other = p.country != lead_country.upper()
    member = countries is None or (countries.get(p.country) is not None and countries.get(p.country).status == "member_state")
    if gap == "need_more_countries":
        return other
    if gap == "need_member_state_entity":
        return member
    if gap == "need_second_eurostars_country":
        found = countries.get(p.country) if countries else None
        return other and (countries is None or (found is not None and found.eurostars is True))
    if gap == "need_second_programme_country":
        return other and p.programme_area == "aurora"
    if gap == "need_care_provider_coordinator":
        return p.country == "SE"  # a Swedish call
    return True


_NO_PARTNER = Text(
    "Det här är ingen lucka som en ny partner fyller; se rekommendationerna i resultatet.",
    "This is not a gap a new partner fills; see the recommendations in the result.",
)
_NONE_FOUND = Text(
    "Katalogen har ännu ingen organisation som fyller den här luckan; fråga kontakterna i resultatet.",
    "The directory has no organisation yet that fills this gap; ask the contacts in the result.",
)

_GAP_REASON = {
    "need_more_entities": ("kan bli ytterligare en oberoende part i konsortiet", "can become another independent entity in the consortium"),
    "need_more_countries": (
        "finns i ett annat land än er huvudsökande och kan ge konsortiet ett land till",
        "is in a different country from your lead and can add a country to the consortium",
    ),
    "need_member_state_entity": ("är etablerad i ett EU-land", "is established in an EU Member State"),
    "need_second_eurostars_country": ("finns i ett annat Eurostarsland", "is in another Eurostars country"),
    "need_second_programme_country": (
        "finns i ett annat land inom Interreg Auroras programområde",
        "is in another country within the Interreg Aurora programme area",
    ),
    "need_care_provider_coordinator": ("är en vårdorganisation som kan koordinera", "is a care organisation that can coordinate"),
    "need_sme_applicant": ("kan introducera er för SMF som kan leda ansökan", "can introduce you to SMEs that could lead the application"),
    "need_sme_budget_share": (
        "kan introducera er för SMF som kan ta en större del av arbetet",
        "can introduce you to SMEs that could take a larger share of the work",
    ),
    "need_company_applicant": ("hjälper grundare att bilda och utveckla ett bolag", "helps founders to set up and grow a company"),
}


def _reason(gap: str, p: Partner, countries: CountryList | None) -> Text:
    sv, en = _GAP_REASON[gap]
    found = countries.get(p.country) if countries else None
    where_sv = f" ({found.name.sv})" if found else f" ({p.country})"
    where_en = f" ({found.name.en})" if found else f" ({p.country})"
    first = p.competences[0] if p.competences else Text("", "")
    return Text(
        f"{p.name.sv}{where_sv} {sv}. Kompetens: {first.sv}.",
        f"{p.name.en}{where_en} {en}. Competence: {first.en}.",
    )
