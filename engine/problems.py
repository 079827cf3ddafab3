"""Problems found in the knowledge base or in answers, reported as `file:line: what — fix`.

Every problem a user or an advisor can cause travels as a `Problem`, and every error the
core raises for one is a `VagvisareError` (engine.errors) carrying those problems. Values a
user typed are echoed through `show`, which keeps messages short and free of Python syntax.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable
from dataclasses import dataclass

#: A value echoed in a message is cut to about this many characters.
ECHO_CHARS = 80
#: At most this many problems are reported per file; the rest are counted.
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    fix: str = ""
    severity: str = "error"  # or "warning"

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


def did_you_mean(word, candidates: Iterable[str]) -> str:
    """A 'did you mean …?' hint for a misspelt id or key, or '' when nothing is close."""
    if not isinstance(word, str) or len(word) > 200:
        return ""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def show(value) -> str:
    """A value as a user wrote it, short and without Python syntax: 'text', 3, true, [a, b]."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, int, float)):
        text = value.isoformat() if isinstance(value, datetime.date) else repr(value)
    elif isinstance(value, str):
        text = f"'{value}'"
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        text = "[" + ", ".join(show(v) for v in list(items)[:10]) + (", …" if len(items) > 10 else "") + "]"
    elif isinstance(value, dict):
        text = "a mapping of " + ", ".join(show(k) for k in list(value)[:5]) + (", …" if len(value) > 5 else "")
    else:
        text = type(value).__name__
    return text if len(text) <= ECHO_CHARS else text[: ECHO_CHARS - 1] + "…"


def capped(problems: list[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """At most `limit` problems per file, then one line saying how many more there are."""
    out: list[Problem] = []
    counts: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for p in problems:
        counts[p.file] = counts.get(p.file, 0) + 1
        if counts[p.file] <= limit:
            out.append(p)
        else:
            hidden[p.file] = hidden.get(p.file, 0) + 1
    for file, n in hidden.items():
        out.append(Problem(file, 0, f"and {n} more problem{'s' if n > 1 else ''} in this file", "fix the ones above first"))
    return out
