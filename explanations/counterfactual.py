"""The nearest other outcome: the smallest changes of the user's answers that give a goal
another value (counterfactuals), and which answers a conclusion depends on.

Every trial replays the interview on changed answers with the planner (`engine.planner.replay`,
the same reasoning as a consultation, without the backend run) and reads the goals from the
settled state. A trial counts only when the goal is *settled* with the other value: a change
that opens a new question is tried together with each answer to that question (a pair), never
read as "not applicable".

Search, in this order:
1. (never cut short) every single change of every answer of this guide (every choice; single ticks of a
   multichoice and the current ticks less one; both booleans; numbers and dates around the
   thresholds the rules use);
2. (bounded by `MAX_TRIALS` replays in all and `TIME_BUDGET` seconds per outcome) for a goal with a value no single change gives (choice and boolean goals): pairs of a single
   change that leaves a goal open with each answer to the question it opens, then two changes
   among the answers that on their own change that goal (two answers neither of which matters
   alone are not tried).
A pair is listed only for a value that neither of its changes gives alone. When a bound stops
the search, `Search.truncated` says so.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.compiler import CompiledModule
from engine.consultation import Outcome
from engine.model import ABSENT, AS_OF, UNDECIDED
from engine.planner import replay
from engine.uncertainty import candidate_values

#: At most this many replays per outcome (about 2 ms each on the MDR guide).
MAX_TRIALS = 300
#: And at most this much time per outcome, in seconds.
TIME_BUDGET = 0.6


@dataclass(frozen=True)
class Nearest:
    """Changing the answers in `changes` (question id → model value) settles `fact` to `value`.

    `boundary` is True when one answer alone decides between the current value and this one."""

    fact: str
    value: object
    changes: tuple[tuple[str, object], ...]
    boundary: bool
    close: bool = False  # changes an answer the rules behind the current value read (explain.rank_nearest)

    @property
    def size(self) -> int:
        return len(self.changes)


@dataclass
class Search:
    """The result of one bounded search over one outcome (all goals at once)."""

    base: dict  # the answers searched around (question id → value), in the order asked
    current: dict  # goal → value now (UNDECIDED when open)
    singles: list = field(default_factory=list)  # (question, value, goal facts after) of every single change tried
    nearest: dict = field(default_factory=dict)  # goal → tuple[Nearest, ...]
    sensitive: dict = field(default_factory=dict)  # fact → questions whose single change could change it
    trials: int = 0
    seconds: float = 0.0
    truncated: bool = False


def alternatives(compiled: CompiledModule, question: str, current) -> list:
    """The values worth trying instead of `current` for one question."""
    values = list(candidate_values(compiled, question))
    if isinstance(current, frozenset) and len(current) > 1:
        values += [current - {v} for v in sorted(current)]
    out = []
    for v in values:
        if v != current and v not in out:
            out.append(v)
    return out


def changeable(compiled: CompiledModule, outcome: Outcome) -> dict:
    """The user's own answers to this guide's questions (not other guides' results, not the date)."""
    own = {q.id for q in compiled.questions}
    return {f: v for f, v in outcome.answers.items() if f in own}


def search(
    compiled: CompiledModule, outcome: Outcome, goals=None, max_trials: int = MAX_TRIALS, budget: float = TIME_BUDGET, pairs: bool = True
) -> Search:
    """Single changes, then (unless `pairs` is False) pairs, for every goal (or the conclusions in `goals`)."""
    start = time.perf_counter()
    goals = tuple(goals or compiled.module.goals)
    # questions an answers file left out were read as not applicable: keep them so
    answers = {**outcome.answers, **dict.fromkeys(outcome.plan.not_answered, ABSENT)}
    base = changeable(compiled, outcome)
    now = _trial(compiled, answers, outcome.as_of)
    result = Search(base=base, current={g: now[g] for g in goals})
    found: dict = {g: [] for g in goals}

    def spent() -> bool:
        if result.trials >= max_trials or time.perf_counter() - start > budget:
            result.truncated = True
            return True
        return False

    # 1. single changes
    opened: list[tuple[str, object, str]] = []  # (question, value, the question it opens)
    for q, current in base.items():  # always complete: the support set of `explain` rests on it
        for v in alternatives(compiled, q, current):
            result.trials += 1
            after = _trial(compiled, {**answers, q: v}, outcome.as_of)
            result.singles.append((q, v, after))
            for f in compiled.concluders:
                if after[f] != now[f]:
                    result.sensitive.setdefault(f, [])
                    if q not in result.sensitive[f]:
                        result.sensitive[f].append(q)
            for g in goals:
                if after[g] is not UNDECIDED and after[g] != now[g]:
                    found[g].append(Nearest(g, after[g], ((q, v),), False))
            if after["__next__"] is not None and after["__next__"] not in answers and any(after[g] is UNDECIDED for g in goals):
                opened.append((q, v, after["__next__"]))

    # 2. pairs, only for values no single change gives
    def single_values(g) -> set:
        return {_key(n.value) for n in found[g]}

    def try_pair(changes: dict) -> None:
        result.trials += 1
        after = _trial(compiled, {**answers, **changes}, outcome.as_of)
        for g in goals:
            value = after[g]
            if value is UNDECIDED or value == now[g] or _key(value) in single_values(g):
                continue
            if any(_alone(result, q, v, g, value) for q, v in changes.items()):
                continue
            item = Nearest(g, value, tuple(changes.items()), False)
            if not any(n.changes == item.changes and n.value == value for n in found[g]):
                found[g].append(item)

    for g in goals if pairs else ():
        decl = compiled.kb.conclusions[g]
        if decl.type == "multichoice":
            continue  # sets of values: every single change already says what moves it
        values = decl.values if decl.type == "choice" else (True, False)
        if not [v for v in values if v != now[g] and _key(v) not in single_values(g)]:
            continue  # every other value is one answer away
        for q, v, follow in opened:
            for w in candidate_values(compiled, follow):
                if not spent():
                    try_pair({q: v, follow: w})
        for q1, q2 in itertools.combinations(result.sensitive.get(g, ()), 2):
            for v1 in alternatives(compiled, q1, base[q1]):
                for v2 in alternatives(compiled, q2, base[q2]):
                    if not spent():
                        try_pair({q1: v1, q2: v2})
    for g in goals:
        singles = [n for n in found[g] if n.size == 1]
        boundary = {_key(n.value) for n in singles} and now[g] is not UNDECIDED
        out = [Nearest(n.fact, n.value, n.changes, bool(boundary) and n.size == 1) for n in singles]
        pairs = [n for n in found[g] if n.size == 2 and _key(n.value) not in {_key(s.value) for s in singles}]
        result.nearest[g] = tuple(out + pairs)
    result.seconds = time.perf_counter() - start
    return result


def _alone(result: Search, q: str, v, goal: str, value) -> bool:
    """Whether the single change q = v was tried and gives `goal` = `value` by itself."""
    return any(sq == q and sv == v and after[goal] == value for sq, sv, after in result.singles)


def _trial(compiled: CompiledModule, answers: Mapping, as_of) -> dict:
    plan = replay(compiled, {**answers, AS_OF: as_of})
    facts = plan.state.facts
    out = {f: facts.get(f, UNDECIDED) for f in compiled.concluders}
    out["__next__"] = plan.next_question
    return out


def _key(value):
    return tuple(sorted(value)) if isinstance(value, frozenset) else value


def support(compiled: CompiledModule, outcome: Outcome, fact: str, found: Search | None = None) -> tuple[str, ...]:
    """The answers a conclusion depends on: those a rule in its proof matched, and those whose
    change alone could change it (it takes another value or is no longer settled).

    In the order the interview asked them."""
    from explanations.how import how, proof_answers

    used = set(proof_answers(how(compiled, outcome, fact)))
    found = found or search(compiled, outcome, goals=(fact,))
    now = outcome.conclusions.get(fact, UNDECIDED)
    moving = {q for q, v, after in found.singles if after.get(fact, UNDECIDED) != now}
    own = changeable(compiled, outcome)
    return tuple(q for q in outcome.answers if q in own and (q in used or q in moving)) + tuple(
        q for q in outcome.answers if q not in own and q in used
    )
