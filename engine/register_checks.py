"""`vagvisare check` for the dated registers: the country list, the partner directory, the call calendar
and the receiving organisations of the idea intake.

Each register is checked only when its file exists (a knowledge base may have none of them).
The partner check uses the country list for country codes. Returns the problems and the
sources the registers cite, so that those sources are not reported as never cited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.call_calendar import CALENDAR_FILE, validate_calendar
from engine.countries import COUNTRIES_FILE, validate_countries
from engine.directory import PARTNERS_FILE, validate_directory
from engine.intake_register import INTAKE_FILE, validate_intake
from engine.model import KnowledgeBase
from engine.problems import Problem


def validate_registers(root: Path | str, kb: KnowledgeBase | None, today: dt.date | None = None) -> tuple[list[Problem], set[str]]:
    root = Path(root)
    today = today or dt.date.today()
    problems: list[Problem] = []
    cited: set[str] = set()
    countries = None
    if (root / COUNTRIES_FILE).exists():
        countries, found = validate_countries(root, kb, today)
        problems += found
        cited |= {ref.source for c in countries.countries for ref in c.sources} if countries else set()
    if (root / PARTNERS_FILE).exists():
        directory, found = validate_directory(root, kb, countries, today)
        problems += found
        cited |= {ref.source for p in directory.partners for ref in p.sources} if directory else set()
    if (root / CALENDAR_FILE).exists():
        calendar, found = validate_calendar(root, kb, today)
        problems += found
        cited |= {ref.source for i in calendar.calls + calendar.events for ref in i.sources} if calendar else set()
    if (root / INTAKE_FILE).exists():
        intake, found = validate_intake(root, kb, today)
        problems += found
        cited |= {ref.source for o in intake.organisations for ref in o.sources} if intake else set()
    return problems, cited
