"""Countries as dated data: EU Member States and Horizon Europe Associated Countries.

`knowledge_base/countries.yaml` lists, per country (ISO 3166-1 alpha-2 code), whether it is
a Member State, associated to Horizon Europe (and to which part: the whole programme or
Pillar II only) or another country, the date from which an association applies, whether it
is a Eurostars or an Interreg Aurora country, and the sources. The counts a consortium needs
change with these dates, so the list carries an `as_of` and `vagvisare check` warns when it
is more than a year old.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from engine.model import KnowledgeBase, Origin, SourceRef, Text
from engine.problems import Problem
from engine.reading import Reader
from engine.registers import check_as_of, check_choice, check_sources, read_date, read_document, read_sources

COUNTRIES_FILE = "knowledge_base/countries.yaml"

STATUSES = ("member_state", "associated", "other")
#: What an association covers: the whole programme, or Pillar II (the Clusters, Missions and
#: partnerships) only, which leaves out the EIC.
SCOPES = ("all", "pillar_2")


@dataclass(frozen=True)
class Country:
    code: str
    name: Text
    status: str
    scope: str | None  # associated countries only
    applies_from: dt.date | None  # associated countries: from when the association applies
    eurostars: bool | None  # None: not confirmed either way
    aurora: bool
    note: Text | None
    sources: tuple[SourceRef, ...]
    origin: Origin

    def associated_on(self, day: dt.date) -> bool:
        return self.status == "associated" and (self.applies_from is None or self.applies_from <= day)


@dataclass(frozen=True)
class CountryList:
    countries: tuple[Country, ...]
    as_of: dt.date | None
    origin: Origin

    def get(self, code: str) -> Country | None:
        return next((c for c in self.countries if c.code == code.upper()), None)

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.countries]


def load_countries(root: Path | str) -> tuple[CountryList | None, list[Problem]]:
    """Read the country list; (None, problems) when it is missing or unreadable."""
    if not (Path(root) / COUNTRIES_FILE).exists():
        return None, [Problem(COUNTRIES_FILE, 0, "the country list is missing", "create it with 'as_of:' and 'countries:'")]
    doc, reader = read_document(root, COUNTRIES_FILE, ("as_of", "countries"))
    if doc is None:
        return None, reader.problems
    items = [_country(reader, item, line) for line, item in reader.items(doc, "countries", "countries ('- code: SE')")]
    as_of = read_date(reader, doc, "as_of", "the country list")
    return CountryList(tuple(c for c in items if c), as_of, Origin(COUNTRIES_FILE, doc.line_of("as_of"))), reader.problems


def _country(reader: Reader, node, line: int) -> Country | None:
    m = reader.mapping(node, "a country", line)
    required = ("code", "name", "status")
    if m is None or not reader.keys(m, "a country", required, ("scope", "applies_from", "eurostars", "aurora", "note", "sources")):
        return None
    if isinstance(m["code"], bool):  # YAML 1.1 reads an unquoted NO as false
        reader.problem(m.line_of("code"), f"the country code {m['code']!r} was read as a boolean", "quote it: code: 'NO'")
        return None
    code = str(m["code"])
    what = f"country '{code}'"
    if len(code) != 2 or not code.isalpha() or not code.isupper():
        reader.problem(m.line_of("code"), f"{what}: the code must be two capital letters (ISO 3166-1 alpha-2)", "write e.g. 'code: SE'")
    status = str(m["status"])
    origin = reader.origin(m)
    reader.problems.extend(check_choice(status, STATUSES, Origin(reader.name, m.line_of("status")), f"status of {what}"))
    scope = str(m["scope"]) if "scope" in m else None
    if status == "associated":
        if scope is None:
            reader.problem(m.line, f"{what} is associated but has no 'scope'", "add 'scope: all' or 'scope: pillar_2'")
        else:
            reader.problems.extend(check_choice(scope, SCOPES, Origin(reader.name, m.line_of("scope")), f"scope of {what}"))
        if "applies_from" not in m:
            reader.problem(m.line, f"{what} is associated but has no 'applies_from'", "add 'applies_from: YYYY-MM-DD'")
    elif scope is not None or "applies_from" in m:
        reader.problem(
            m.line, f"{what} is not associated, so 'scope' and 'applies_from' do not apply", "remove them or set 'status: associated'"
        )
    flags = {}
    for key in ("eurostars", "aurora"):
        value = m.get(key)
        if value is not None and not isinstance(value, bool):
            reader.problem(m.line_of(key), f"'{key}' of {what} must be true or false", "leave it out when it is not confirmed")
            value = None
        flags[key] = value
    return Country(
        code=code.upper(),
        name=reader.text(m, "name", what) or Text(code, code),
        status=status,
        scope=scope,
        applies_from=read_date(reader, m, "applies_from", what, required=False),
        eurostars=flags["eurostars"],
        aurora=bool(flags["aurora"]),
        note=reader.text(m, "note", what, required=False),
        sources=read_sources(reader, m, what),
        origin=origin,
    )


def check_countries(countries: CountryList, kb: KnowledgeBase | None, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Origin] = {}
    for c in countries.countries:
        if c.code in seen:
            problems.append(
                Problem(c.origin.file, c.origin.line, f"country '{c.code}' is listed twice (first at {seen[c.code]})", "keep one entry")
            )
        seen[c.code] = c.origin
        if kb is not None:
            problems.extend(check_sources(c.sources, kb, c.origin, f"country '{c.code}'"))
        if c.applies_from and c.applies_from > today:
            problems.append(
                Problem(c.origin.file, c.origin.line, f"the association of '{c.code}' applies only from {c.applies_from}", "", "warning")
            )
    problems.extend(check_as_of(countries.as_of, today, countries.origin, "the country list"))
    return problems


def validate_countries(root: Path | str, kb: KnowledgeBase | None, today: dt.date) -> tuple[CountryList | None, list[Problem]]:
    countries, problems = load_countries(root)
    if countries is None:
        return None, problems
    return countries, problems + check_countries(countries, kb, today)
