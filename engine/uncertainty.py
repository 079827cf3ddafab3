"""What "I don't know" answers leave open.

We try every value each unknown answer could have had (a bounded number of branches),
replay the interview in each, and compare the goals: a goal with the same value in every
branch is *firm*; otherwise it is *conditional* and we say which value follows from which
assumption. The unknown answers on which most goals turn are named first.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from engine.compiler import CompiledModule
from engine.conditions import comparisons
from engine.model import DONT_KNOW
from engine.planner import Plan, replay

#: At most this many combinations of unknown answers are explored.
MAX_BRANCHES = 64

#: A goal that a branch leaves undecided (more questions would be needed).
OPEN = "open"


@dataclass(frozen=True)
class Uncertainty:
    unknowns: tuple[str, ...]  # the facts answered "I don't know", explored in this order
    firm: dict  # goal → value, the same in every branch
    conditional: dict  # goal → list of (value, assumption dict restricted to what matters)
    key_unknowns: tuple[tuple[str, int], ...]  # (fact, number of goals it changes), most first
    branches: int
    truncated: bool  # True when MAX_BRANCHES stopped the exploration


def candidate_values(compiled: CompiledModule, fact: str) -> list:
    """The values worth trying for an unknown answer."""
    q = compiled.kb.questions[fact]
    if q.type == "boolean":
        return [True, False]
    if q.type == "choice":
        return list(q.values)
    if q.type == "multichoice":
        return [frozenset([v]) for v in q.values]  # single ticks only: the power set is too large
    thresholds = sorted(
        {c.operand for cond in compiled.conditions.values() for c in comparisons(cond) if c.fact == fact and isinstance(c.operand, (int, float))}
    )
    points = {t + d for t in thresholds for d in (-1, 0, 1)}
    return sorted(points) or [0]


def explore(compiled: CompiledModule, plan: Plan) -> Uncertainty:
    unknowns = tuple(f for f, v in plan.used.items() if v is DONT_KNOW)
    domains = [candidate_values(compiled, f) for f in unknowns]
    goals = compiled.module.goals
    total = 1
    for d in domains:
        total *= len(d)
    branches: list[tuple[dict, dict]] = []
    for combo in itertools.islice(itertools.product(*domains), MAX_BRANCHES):
        assumption = dict(zip(unknowns, combo))
        result = replay(compiled, {**plan.used, **assumption})
        values = {g: result.state.facts.get(g, OPEN) for g in goals}
        branches.append((assumption, values))
    firm, conditional = {}, {}
    influence = {f: 0 for f in unknowns}
    for goal in goals:
        seen = {b[1][goal] for b in branches}
        if len(seen) == 1:
            firm[goal] = seen.pop()
            continue
        movers = [f for f in unknowns if _changes(branches, goal, f, unknowns)]
        for f in movers:
            influence[f] += 1
        by_value: dict = {}
        for assumption, values in branches:
            restricted = {f: assumption[f] for f in movers}
            bucket = by_value.setdefault(values[goal], [])
            if restricted not in bucket:
                bucket.append(restricted)
        conditional[goal] = list(by_value.items())
    key = tuple(sorted(((f, n) for f, n in influence.items() if n), key=lambda fn: (-fn[1], unknowns.index(fn[0]))))
    return Uncertainty(unknowns, firm, conditional, key, len(branches), total > MAX_BRANCHES)


def _changes(branches, goal: str, fact: str, unknowns: tuple[str, ...]) -> bool:
    """Does changing `fact` alone (others held fixed) change the goal in some branch?"""
    groups: dict = {}
    for assumption, values in branches:
        rest = tuple((f, _key(assumption[f])) for f in unknowns if f != fact)
        groups.setdefault(rest, set()).add(_key(values[goal]))
    return any(len(v) > 1 for v in groups.values())


def _key(value):
    return tuple(sorted(value)) if isinstance(value, frozenset) else value
