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
from engine.model import ABSENT
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
    not_answered: tuple[str, ...] = ()  # questions it needed but the answers left out (closed replay only)

    @property
    def complete(self) -> bool:
        return not self.open_goals and not self.not_answered


def replay(compiled: CompiledModule, answers: Mapping[str, object], close_unanswered: bool = False) -> Plan:
    """Ask questions in order, taking each answer from `answers` while there is one.

    The result does not depend on the order of `answers`: only the planner's own order
    counts. Answers the interview never asks for are reported as unused and change nothing.

    With `close_unanswered` (reading a finished answers file, as `evaluate` and the test
    cases do), a question the interview needs but the file leaves out is taken as not
    applicable (ABSENT, like a skipped question) and the interview goes on, so that the
    conclusions are those the given facts support. Such questions are listed in
    `not_answered` and the plan is not complete. A live interview never closes questions.
    """
    used: dict = {f: answers[f] for f in compiled.module.inputs if f in answers}  # given, never asked
    closed: dict = {}
    state = settle(compiled, used)
    while True:
        candidates = askable(compiled, state)
        given = next((q for q in candidates if q in answers), None)
        if given is not None:
            used[given] = answers[given]
        elif close_unanswered and candidates:
            closed[candidates[0]] = ABSENT
        else:
            break
        state = settle(compiled, {**used, **closed})
    unused = {k: v for k, v in answers.items() if k not in used}
    not_answered = tuple(closed)
    next_question = not_answered[0] if not_answered else (candidates[0] if candidates else None)
    return Plan(used, unused, state, next_question, tuple(open_goals(compiled, state)), not_answered)
