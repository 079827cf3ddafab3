"""The register of receiving organisations for the idea intake (`knowledge_base/intake.yaml`).

An idea is sent to one organisation's innovation support (a region, a university, a
municipality); a staff account belongs to one of them, and an advisor sees only the ideas sent
to their own. The register is data, not code, so adding an organisation is a YAML edit that
`vagvisare check` validates (file:line problems, like the other dated registers).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from engine.model import KnowledgeBase, Origin, SourceRef, Text
from engine.problems import Problem
from engine.reading import Reader
from engine.registers import check_as_of, check_choice, check_sources, read_date, read_document, read_url

INTAKE_FILE = "knowledge_base/intake.yaml"

#: What kind of organisation receives ideas.
KINDS = ("region", "university", "municipality", "other")

_ID = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


@dataclass(frozen=True)
class Organisation:
    id: str
    name: Text
    kind: str
    contact: str  # a web address, or "" when none is known
    contact_note: Text | None
    sources: tuple[SourceRef, ...]
    as_of: dt.date | None
    origin: Origin


@dataclass(frozen=True)
class IntakeRegister:
    organisations: tuple[Organisation, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.organisations)

    def get(self, org_id: str | None) -> Organisation | None:
        return next((o for o in self.organisations if o.id == org_id), None)

    def name(self, org_id: str | None, lang: str) -> str:
        """The organisation's name in `lang`; an id no longer in the register is shown as it is."""
        org = self.get(org_id)
        return org.name.get(lang) if org else str(org_id or "")


def load_intake(root: Path | str) -> tuple[IntakeRegister | None, list[Problem]]:
    if not (Path(root) / INTAKE_FILE).exists():
        return None, [
            Problem(INTAKE_FILE, 0, "the register of receiving organisations is missing", "create it with an 'organisations:' list")
        ]
    doc, reader = read_document(root, INTAKE_FILE, ("organisations",))
    if doc is None:
        return None, reader.problems
    items = [_organisation(reader, item, line) for line, item in reader.items(doc, "organisations", "organisations ('- id: …')")]
    found = tuple(o for o in items if o)
    if not found and not any(p.severity == "error" for p in reader.problems):
        reader.problem(doc.line_of("organisations"), "no receiving organisation is listed", "add at least one '- id: …'")
    return IntakeRegister(found), reader.problems


def _organisation(reader: Reader, node, line: int) -> Organisation | None:
    m = reader.mapping(node, "an organisation", line)
    if m is None or not reader.keys(m, "an organisation", ("id", "name", "kind", "as_of"), ("contact", "contact_note", "sources")):
        return None
    oid = str(m["id"])
    what = f"organisation '{oid}'"
    if not _ID.match(oid):
        reader.problem(
            m.line_of("id"), f"the id of {what} is not a plain id", "use lower-case letters, digits and '_', e.g. region_norrbotten"
        )
    kind = str(m["kind"])
    reader.problems.extend(check_choice(kind, KINDS, Origin(reader.name, m.line_of("kind")), f"kind of {what}"))
    return Organisation(
        id=oid,
        name=reader.text(m, "name", what) or Text(oid, oid),
        kind=kind,
        contact=read_url(reader, m, "contact", what) if "contact" in m else "",
        contact_note=reader.text(m, "contact_note", what, required=False),
        sources=reader.source_refs(m, "sources", what),
        as_of=read_date(reader, m, "as_of", what),
        origin=reader.origin(m),
    )


def check_intake(register: IntakeRegister, kb: KnowledgeBase | None, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Origin] = {}
    for org in register.organisations:
        what = f"organisation '{org.id}'"
        if org.id in seen:
            problems.append(
                Problem(org.origin.file, org.origin.line, f"duplicate {what} (first at {seen[org.id]})", "give each entry its own id")
            )
        seen[org.id] = org.origin
        if kb is not None:
            problems.extend(check_sources(org.sources, kb, org.origin, what))
        problems.extend(check_as_of(org.as_of, today, org.origin, what))
    return problems


def validate_intake(root: Path | str, kb: KnowledgeBase | None, today: dt.date) -> tuple[IntakeRegister | None, list[Problem]]:
    register, problems = load_intake(root)
    if register is None:
        return None, problems
    return register, problems + check_intake(register, kb, today)
