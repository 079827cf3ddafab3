"""Problems found in the knowledge base or in answers, reported as `file:line: what — fix`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    fix: str = ""
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


class KnowledgeBaseError(Exception):
    """Raised when the knowledge base has errors; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class AnswerError(ValueError):
    """An answer that does not fit its question: unknown fact, wrong type or value."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A 'did you mean …?' hint for a misspelt id or key, or '' when nothing is close."""
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
