"""Shared reading and checking for the dated registers: countries, partners and the call calendar.

These files are knowledge that ages: every entry names its sources and the date it was
confirmed (`as_of`). The helpers here read dates and sources with file:line problems (in the
style of `engine.reading.Reader`) and check sources against the loaded knowledge base, so the
three register modules say the same thing about the same mistake.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.model import KnowledgeBase, Origin, SourceRef
from engine.problems import Problem, did_you_mean
from engine.reading import Reader
from engine.reading import read_document as read_file
from engine.yamlfile import Located

#: An entry confirmed longer ago than this is reported as possibly out of date.
STALE_AFTER = dt.timedelta(days=365)


def read_document(root: Path | str, name: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()) -> tuple[Located | None, Reader]:
    """The top mapping of a register file, or None (with problems on the reader) when unusable."""
    problems: list[Problem] = []
    doc, reader = read_file(Path(root) / name, name, problems)
    if doc is None or not reader.keys(doc, "the file", keys, optional):
        return None, reader
    return doc, reader


def read_date(reader: Reader, node: Located, key: str, what: str, required: bool = True) -> dt.date | None:
    """A date written as YYYY-MM-DD (YAML reads it as a date; a quoted text is accepted too)."""
    if key not in node:
        if required:
            reader.problem(node.line, f"{what} has no '{key}'", f"add '{key}: YYYY-MM-DD'")
        return None
    value = node[key]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        reader.problem(node.line_of(key), f"'{key}' of {what} is not a date: {value!r}", "write it as YYYY-MM-DD, e.g. 2026-12-01")
        return None


def read_sources(reader: Reader, node: Located, what: str) -> tuple[SourceRef, ...]:
    """The entry's `sources:`; an entry without any is an error (every fact here must be traceable)."""
    refs = reader.source_refs(node, "sources", what)
    if not refs:
        reader.problem(node.line_of("sources"), f"{what} names no source", "add 'sources:' with '- {source: id, pinpoint: …}'")
    return refs


def read_url(reader: Reader, node: Located, key: str, what: str) -> str:
    url = reader.string(node, key, what)
    if url and not url.startswith(("https://", "http://")):
        reader.problem(
            node.line_of(key), f"'{key}' of {what} is not a web address: {url!r}", "write the full address starting with https://"
        )
    return url


def check_sources(refs: tuple[SourceRef, ...], kb: KnowledgeBase, origin: Origin, what: str) -> list[Problem]:
    return [
        Problem(
            origin.file,
            origin.line,
            f"{what} cites unknown source '{ref.source}'",
            did_you_mean(ref.source, kb.sources) or "add it to knowledge_base/sources/",
        )
        for ref in refs
        if ref.source not in kb.sources
    ]


def check_as_of(as_of: dt.date | None, today: dt.date, origin: Origin, what: str) -> list[Problem]:
    """A warning when the confirmation is more than a year old, or dated in the future."""
    if as_of is None:
        return []
    if as_of > today:
        return [
            Problem(
                origin.file, origin.line, f"{what} is dated {as_of}, after today ({today})", "write the date it was confirmed", "warning"
            )
        ]
    if today - as_of > STALE_AFTER:
        return [
            Problem(
                origin.file,
                origin.line,
                f"{what} was confirmed on {as_of}, more than a year ago",
                "check the source again and update 'as_of'",
                "warning",
            )
        ]
    return []


def check_choice(value: str, allowed: tuple[str, ...] | list[str], origin: Origin, what: str) -> list[Problem]:
    if value in allowed:
        return []
    return [
        Problem(origin.file, origin.line, f"unknown {what}: '{value}'", did_you_mean(value, allowed) or f"use one of: {', '.join(allowed)}")
    ]
