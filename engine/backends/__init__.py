"""Inference backends: each turns the compiled rules into a program that fires them.

A backend only matches and fires; stratification, conflict resolution and the trace are
shared (engine.inference), so every backend gives the same results and explanations.

    backend.compile(steps)          steps: list of lists of (rule id, NNF condition)
    program.fire(step, facts)       -> list[Firing] for the rules of that step

`facts` maps fact id → value for every settled fact (DONT_KNOW and ABSENT included).

experta is the reference (pure Python); clips (CLIPS 6.4 through clipspy) is the default
because it is much faster, and tests/test_backends.py shows both give the same results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from engine.logic import Firing
from engine.model import Condition

RuleSpec = tuple[str, Condition]


class Program(Protocol):
    def fire(self, step: int, facts: Mapping[str, object]) -> list[Firing]: ...


class Backend(Protocol):
    name: str

    def compile(self, steps: Sequence[Sequence[RuleSpec]]) -> Program: ...


def get_backend(name: str) -> Backend:
    """The backend called `name`; raises ValueError naming the choices."""
    if name == "experta":
        from engine.backends.experta_backend import ExpertaBackend

        return ExpertaBackend()
    if name == "clips":
        from engine.backends.clips_backend import ClipsBackend

        return ClipsBackend()
    raise ValueError(f"unknown engine '{name}' — choose one of: {', '.join(BACKENDS)}")


BACKENDS = ("experta", "clips")

#: The most alternatives (terms of the disjunctive normal form) a rule's condition may expand
#: to: the CLIPS backend writes one defrule per term. `vagvisare check` enforces it.
MAX_CONDITION_TERMS = 4096
DEFAULT_BACKEND = "clips"
