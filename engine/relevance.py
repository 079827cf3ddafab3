"""Why a question is asked: the open goals its answer can still change, and through what.

The planner asks a question when its answer can still change an open goal
(`engine.planner.is_relevant`). `Relevance` walks the same paths, once per state and with a
memo per fact, and keeps what it finds: the goals each open fact leads to, the undecided
rules that read the question, and the questions whose `ask_if` it decides. So "why is
this asked?" names exactly what the planner acted on: never a settled goal, never a rule
that cannot change, and a question that only gates another question is explained by the
question it gates.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.compiler import CompiledModule
from engine.planner import open_gates, open_goals, open_readers
from engine.state import State


@dataclass(frozen=True)
class Need:
    """A rule (or, for `gates`, a question) through which an answer can change open goals."""

    id: str
    goals: tuple[str, ...]


@dataclass(frozen=True)
class Why:
    question: str
    goals: tuple[str, ...]  # open goals the answer can still change, in the module's goal order
    rules: tuple[Need, ...]  # undecided rules reading the answer through an open comparison
    gates: tuple[Need, ...]  # questions whose ask_if the answer can still decide


class Relevance:
    """The open goals each fact of one state can still change, worked out on demand and kept."""

    def __init__(self, compiled: CompiledModule, state: State) -> None:
        self._compiled = compiled
        self._state = state
        self._goals = tuple(open_goals(compiled, state))
        self._memo: dict[str, frozenset[str]] = {}

    def goals_of(self, fact: str) -> frozenset[str]:
        """The open goals `fact` can still change (empty for a settled fact)."""
        found = self._memo.get(fact)
        if found is not None:
            return found
        self._memo[fact] = frozenset()  # guards against a loop through ask_if
        compiled, state = self._compiled, self._state
        if fact in state.facts:
            return frozenset()
        out: set[str] = {fact} if fact in self._goals else set()
        for rid in open_readers(compiled, state, fact):
            for concluded in compiled.index.concludes[rid]:
                out |= self.goals_of(concluded)
        for question in open_gates(compiled, state, fact):
            out |= self.goals_of(question)
        self._memo[fact] = frozenset(out)
        return self._memo[fact]

    def why(self, question: str) -> Why:
        rules = []
        for rid in open_readers(self._compiled, self._state, question):
            reached = frozenset().union(*(self.goals_of(f) for f in self._compiled.index.concludes[rid]))
            if reached:
                rules.append(Need(rid, self._ordered(reached)))
        gates = [Need(q, self._ordered(self.goals_of(q))) for q in open_gates(self._compiled, self._state, question) if self.goals_of(q)]
        return Why(question, self._ordered(self.goals_of(question)), tuple(rules), tuple(gates))

    def _ordered(self, goals: frozenset[str]) -> tuple[str, ...]:
        return tuple(g for g in self._goals if g in goals)
