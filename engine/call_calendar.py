"""The call calendar: calls with their next deadline and matchmaking events, as dated data.

`knowledge_base/calendar.yaml` holds calls (title, the instrument of the consortium guide
when there is one, the deadline, a link) and events (title, dates, place, link), each with
sources and the date it was confirmed. Advisors add items; `vagvisare check` flags calls
whose deadline has passed and events that are over, and `upcoming` (what the CLI and the
web UI show) hides past items by itself, so nothing stale reaches a user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from engine.model import KnowledgeBase, Origin, SourceRef, Text
from engine.problems import Problem
from engine.reading import Reader
from engine.registers import check_as_of, check_choice, check_sources, read_date, read_document, read_sources, read_url

CALENDAR_FILE = "knowledge_base/calendar.yaml"
INSTRUMENT_FACT = "consortium.instrument"


@dataclass(frozen=True)
class Call:
    id: str
    title: Text
    instrument: str | None  # a choice of consortium.instrument, when the call belongs to one
    opens: dt.date | None
    deadline: dt.date | None
    link: str
    note: Text | None
    sources: tuple[SourceRef, ...]
    as_of: dt.date | None
    origin: Origin

    @property
    def date(self) -> dt.date | None:
        """The date that decides whether the call is still ahead: its deadline."""
        return self.deadline


@dataclass(frozen=True)
class Event:
    id: str
    title: Text
    starts: dt.date | None
    ends: dt.date | None
    place: Text
    link: str
    note: Text | None
    sources: tuple[SourceRef, ...]
    as_of: dt.date | None
    origin: Origin

    @property
    def date(self) -> dt.date | None:
        """The last day of the event: it is ahead until then."""
        return self.ends or self.starts


@dataclass(frozen=True)
class Calendar:
    calls: tuple[Call, ...]
    events: tuple[Event, ...]


def load_calendar(root: Path | str) -> tuple[Calendar | None, list[Problem]]:
    if not (Path(root) / CALENDAR_FILE).exists():
        return None, [Problem(CALENDAR_FILE, 0, "the call calendar is missing", "create it with 'calls:' and 'events:'")]
    doc, reader = read_document(root, CALENDAR_FILE, ("calls", "events"))
    if doc is None:
        return None, reader.problems
    calls = [_call(reader, item, line) for line, item in reader.items(doc, "calls", "calls ('- id: …')")]
    events = [_event(reader, item, line) for line, item in reader.items(doc, "events", "events ('- id: …')")]
    return Calendar(tuple(c for c in calls if c), tuple(e for e in events if e)), reader.problems


def _call(reader: Reader, node, line: int) -> Call | None:
    m = reader.mapping(node, "a call", line)
    if m is None or not reader.keys(m, "a call", ("id", "title", "deadline", "link"), ("instrument", "opens", "note", "sources", "as_of")):
        return None
    what = f"call '{m['id']}'"
    opens = read_date(reader, m, "opens", what, required=False)
    deadline = read_date(reader, m, "deadline", what)
    if opens and deadline and opens > deadline:
        reader.problem(m.line_of("opens"), f"{what} opens ({opens}) after its deadline ({deadline})", "check both dates")
    return Call(
        id=str(m["id"]),
        title=reader.text(m, "title", what) or Text("", ""),
        instrument=str(m["instrument"]) if "instrument" in m else None,
        opens=opens,
        deadline=deadline,
        link=read_url(reader, m, "link", what),
        note=reader.text(m, "note", what, required=False),
        sources=read_sources(reader, m, what),
        as_of=read_date(reader, m, "as_of", what),
        origin=reader.origin(m),
    )


def _event(reader: Reader, node, line: int) -> Event | None:
    m = reader.mapping(node, "an event", line)
    if m is None or not reader.keys(m, "an event", ("id", "title", "starts", "place", "link"), ("ends", "note", "sources", "as_of")):
        return None
    what = f"event '{m['id']}'"
    starts = read_date(reader, m, "starts", what)
    ends = read_date(reader, m, "ends", what, required=False)
    if starts and ends and ends < starts:
        reader.problem(m.line_of("ends"), f"{what} ends ({ends}) before it starts ({starts})", "check both dates")
    return Event(
        id=str(m["id"]),
        title=reader.text(m, "title", what) or Text("", ""),
        starts=starts,
        ends=ends,
        place=reader.text(m, "place", what) or Text("", ""),
        link=read_url(reader, m, "link", what),
        note=reader.text(m, "note", what, required=False),
        sources=read_sources(reader, m, what),
        as_of=read_date(reader, m, "as_of", what),
        origin=reader.origin(m),
    )


def check_calendar(calendar: Calendar, kb: KnowledgeBase | None, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Origin] = {}
    instruments = kb.fact_values(INSTRUMENT_FACT) if kb is not None else ()
    for item in calendar.calls + calendar.events:
        kind = "call" if isinstance(item, Call) else "event"
        what = f"{kind} '{item.id}'"
        if item.id in seen:
            problems.append(
                Problem(
                    item.origin.file, item.origin.line, f"duplicate id '{item.id}' (first at {seen[item.id]})", "give each item its own id"
                )
            )
        seen[item.id] = item.origin
        if kb is not None:
            problems.extend(check_sources(item.sources, kb, item.origin, what))
        if isinstance(item, Call) and item.instrument is not None and instruments:
            problems.extend(check_choice(item.instrument, instruments, item.origin, f"instrument of {what}"))
        if item.date is not None and item.date < today:
            passed = "its deadline passed" if kind == "call" else "it is over"
            problems.append(
                Problem(
                    item.origin.file,
                    item.origin.line,
                    f"{what}: {passed} on {item.date}; it is hidden from users",
                    "update it to the next date or remove it",
                    "warning",
                )
            )
        problems.extend(check_as_of(item.as_of, today, item.origin, what))
    return problems


def validate_calendar(root: Path | str, kb: KnowledgeBase | None, today: dt.date) -> tuple[Calendar | None, list[Problem]]:
    calendar, problems = load_calendar(root)
    if calendar is None:
        return None, problems
    return calendar, problems + check_calendar(calendar, kb, today)


def upcoming(calendar: Calendar, today: dt.date, instrument: str | None = None) -> list[Call | Event]:
    """Calls and events not yet past on `today` (an item on `today` still counts), soonest first;
    with `instrument`, only the calls of that instrument."""
    items: list[Call | Event] = [c for c in calendar.calls if instrument is None or c.instrument == instrument]
    if instrument is None:
        items += list(calendar.events)
    return sorted((i for i in items if i.date is not None and i.date >= today), key=lambda i: (i.date, i.id))
