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
from engine.model import ABSENT, AS_OF
from engine.state import State, Tracker, ask_if_truth, settle


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


def open_readers(compiled: CompiledModule, state: State, fact: str):
    """Undecided rules with a comparison on `fact` that is still open: the ways an answer moves on."""
    index, facts, possible, rule_truth = compiled.index, state.facts, state.possible, state.rule_truth
    for rid in index.readers.get(fact, ()):
        if rule_truth[rid] is U and any(test(facts, possible) is U for test in index.rule_tests[rid][fact]):
            yield rid


def open_gates(compiled: CompiledModule, state: State, fact: str):
    """Unsettled questions whose open ask_if reads `fact` through an open comparison."""
    index, facts, possible = compiled.index, state.facts, state.possible
    for question in index.ask_readers.get(fact, ()):
        if question not in facts and any(test(facts, possible) is U for test in index.ask_tests[question][fact]):
            if ask_if_truth(compiled, state, question) is U:
                yield question


def is_relevant(compiled: CompiledModule, state: State, fact: str, memo: dict) -> bool:
    """Whether `fact` is in `relevant_facts(compiled, state)`, found by walking up from it.

    From the fact to the rules and ask_ifs that read it through an open comparison, to
    what those conclude or decide, until an open goal is reached (depth first, stopping at
    the first). `memo` holds facts already found irrelevant in this same state.
    `engine.relevance` walks the same edges to explain the answer.
    """
    index, goals, facts = compiled.index, compiled.module.goals, state.facts
    seen: set[str] = set()

    def reaches(x: str) -> bool:
        if x in seen or x in facts or memo.get(x) is False:
            return False
        seen.add(x)
        if x in goals:
            return True
        for rid in open_readers(compiled, state, x):
            if any(reaches(f) for f in index.concludes[rid]):
                return True
        return any(reaches(q) for q in open_gates(compiled, state, x))

    if reaches(fact):
        return True
    memo.update(dict.fromkeys(seen, False))  # everything reachable from here was explored
    return False


def _first_askable(compiled: CompiledModule, state: State, questions, memo: dict) -> tuple[str | None, list[str]]:
    """The first of `questions` (in order) worth asking now, and those that may still become so."""
    later: list[str] = []
    for n, qid in enumerate(questions):
        if state.is_settled(qid):
            continue  # answered or skipped: never asked again
        if ask_if_truth(compiled, state, qid) is not T:
            later.append(qid)  # ask_if still open (false would have skipped it)
            continue
        if is_relevant(compiled, state, qid, memo):
            return qid, later + list(questions[n + 1 :])
        # irrelevant now is irrelevant for good: answers only close paths to the goals
    return None, later


def replay(compiled: CompiledModule, answers: Mapping[str, object], close_unanswered: bool = False) -> Plan:
    """Ask questions in order, taking each answer from `answers` while there is one.

    The result does not depend on the order of `answers`: only the planner's own order
    counts. Answers the interview never asks for are reported as unused and change nothing.

    With `close_unanswered`, the answers are a finished set (an answers file, a test case):
    a question the interview needs but the answers leave out counts as not applicable
    (ABSENT), is listed in `not_answered`, and the interview goes on without it.

    Equal to asking `askable` after each answer (`replay_reference`), but an answer only
    re-evaluates what reads it (engine.state.Tracker) and questions are checked for
    relevance one at a time, so a large rule set stays fast.
    """
    used: dict = {f: answers[f] for f in compiled.inputs if f in answers}  # given, never asked
    closed: list[str] = []
    tracker = Tracker(compiled, {f: v for f, v in used.items() if f != AS_OF})  # the blank state when no guide's results are given
    if AS_OF in used:
        tracker.answer(AS_OF, used[AS_OF])
    pending = [q.id for q in compiled.questions if q.id in answers]
    every = [q.id for q in compiled.questions]
    while True:
        given, pending = _first_askable(compiled, tracker.view(), pending, {})
        if given is not None:
            used[given] = answers[given]
            tracker.answer(given, answers[given])
            continue
        needed = _first_askable(compiled, tracker.view(), every, {})[0] if close_unanswered else None
        if needed is None:
            break
        closed.append(needed)
        tracker.answer(needed, ABSENT)
    state = tracker.state()
    next_question, _ = _first_askable(compiled, state, every, {})
    unused = {k: v for k, v in answers.items() if k not in used}
    return Plan(used, unused, state, next_question, tuple(open_goals(compiled, state)), tuple(closed))


class Interview:
    """A live interview: each answer is to the question being asked, and only what reads it is
    worked out again (engine.state.Tracker), so one step costs little whatever the size of the
    module. The plans it gives equal `replay` of the same answers (tests check this)."""

    def __init__(self, compiled: CompiledModule, given: Mapping[str, object]) -> None:
        self._compiled = compiled
        self._every = [q.id for q in compiled.questions]
        self.used: dict = {f: given[f] for f in compiled.inputs if f in given}
        self._tracker = Tracker(compiled, {f: v for f, v in self.used.items() if f != AS_OF})
        if AS_OF in self.used:
            self._tracker.answer(AS_OF, self.used[AS_OF])

    def answer(self, question: str, value) -> None:
        self.used[question] = value
        self._tracker.answer(question, value)

    def plan(self) -> Plan:
        state = self._tracker.state()
        next_question, _ = _first_askable(self._compiled, state, self._every, {})
        return Plan(dict(self.used), {}, state, next_question, tuple(open_goals(self._compiled, state)))


def replay_reference(compiled: CompiledModule, answers: Mapping[str, object], close_unanswered: bool = False) -> Plan:
    """`replay` the plain way: settle from scratch and list every askable question after each answer."""
    used: dict = {f: answers[f] for f in compiled.inputs if f in answers}
    closed: dict = {}
    state = settle(compiled, used)
    while True:
        candidates = askable(compiled, state)
        given = next((q for q in candidates if q in answers), None)
        if given is None and close_unanswered and candidates:
            closed[candidates[0]] = ABSENT
        elif given is None:
            break
        else:
            used[given] = answers[given]
        state = settle(compiled, {**used, **closed})
    unused = {k: v for k, v in answers.items() if k not in used}
    return Plan(used, unused, state, candidates[0] if candidates else None, tuple(open_goals(compiled, state)), tuple(closed))
