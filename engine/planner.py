"""The interview planner: which question to ask next, and when to stop.

A question is worth asking when its answer can still change an open goal: some rule that
is still undecided, on the way to an open goal, has an open comparison on that question
(directly, or through a conclusion that is itself still open). Among those, the first in
knowledge-base order whose `ask_if` holds is asked. Each answer settles one question, so
the interview ends after at most as many steps as there are questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.compiler import CompiledModule
from engine.conditions import comparisons
from engine.logic import T, U, compare_truth
from engine.state import State, ask_if_truth, settle


def open_goals(compiled: CompiledModule, state: State) -> list[str]:
    return [g for g in compiled.module.goals if not state.is_settled(g)]


def relevant_facts(compiled: CompiledModule, state: State) -> set[str]:
    """Open facts whose value can still change an open goal (questions and conclusions)."""
    relevant: set[str] = set()
    todo = list(open_goals(compiled, state))
    while todo:
        fact = todo.pop()
        if fact in relevant:
            continue
        relevant.add(fact)
        for rid in compiled.concluders.get(fact, ()):
            if state.rule_truth.get(rid) is U:
                todo.extend(_open_facts(compiled.conditions[rid], state))
        if fact in compiled.ask_if and ask_if_truth(compiled, state, fact) is U:
            todo.extend(_open_facts(compiled.ask_if[fact], state))  # must know whether to ask it
    return relevant


def _open_facts(cond, state: State) -> list[str]:
    return [c.fact for c in comparisons(cond) if compare_truth(c, state.facts, state.possible) is U and not state.is_settled(c.fact)]


def askable(compiled: CompiledModule, state: State) -> list[str]:
    """Questions worth asking now, in interview order."""
    relevant = relevant_facts(compiled, state)
    return [
        q.id for q in compiled.questions if q.id in relevant and not state.is_settled(q.id) and ask_if_truth(compiled, state, q.id) is T
    ]


@dataclass(frozen=True)
class Plan:
    """The interview replayed over a set of answers."""

    used: dict  # answers the interview asked for, in the order it asked
    unused: dict  # answers it never needed
    state: State
    next_question: str | None
    open_goals: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.open_goals


def replay(compiled: CompiledModule, answers: Mapping[str, object]) -> Plan:
    """Ask questions in order, taking each answer from `answers` while there is one.

    The result does not depend on the order of `answers`: only the planner's own order
    counts. Answers the interview never asks for are reported as unused and change nothing.
    """
    used: dict = {f: answers[f] for f in compiled.module.inputs if f in answers}  # given, never asked
    state = settle(compiled, used)
    while True:
        candidates = askable(compiled, state)
        given = next((q for q in candidates if q in answers), None)
        if given is None:
            break
        used[given] = answers[given]
        state = settle(compiled, used)
    unused = {k: v for k, v in answers.items() if k not in used}
    return Plan(used, unused, state, candidates[0] if candidates else None, tuple(open_goals(compiled, state)))
