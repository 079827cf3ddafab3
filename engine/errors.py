"""The one family of errors the core raises for anything a user or an advisor can cause.

    VagvisareError          carries one or more `Problem`s (file or field, line, message, fix)
    ├── KnowledgeBaseError  the YAML knowledge base is wrong: an advisor must fix a file
    ├── AnswerError         an answer, an answers file or a request is wrong: the user must fix it
    └── EngineError         the engine cannot run as asked (unknown backend, a rule too big for it)

Front ends map them: the CLI prints every problem and exits 1 (knowledge base) or 2 (answers,
usage); the web layer answers 4xx. No bare ValueError, TypeError or KeyError reaches a caller
from user input or a knowledge-base file.
"""

from __future__ import annotations

from engine.problems import Problem, capped


class VagvisareError(Exception):
    """An error with the problems that explain it; `str()` lists them one per line."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = capped([problems] if isinstance(problems, Problem) else list(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def location(self) -> str:
        return self.problems[0].location if self.problems else ""

    @property
    def message(self) -> str:
        return self.problems[0].message if self.problems else ""

    @property
    def fix(self) -> str:
        return self.problems[0].fix if self.problems else ""


class KnowledgeBaseError(VagvisareError):
    """The knowledge base has errors; carries every problem found, not just the first."""


class AnswerError(VagvisareError):
    """An answer that does not fit: unknown fact or module, wrong type or value, a file too big."""


class EngineError(VagvisareError):
    """The engine cannot do what was asked, e.g. an unknown inference backend."""


def answer_error(where: str, message: str, fix: str = "", line: int = 0) -> AnswerError:
    return AnswerError(Problem(where, line, message, fix))
