"""What "I don't know" answers leave open.

We try every value each unknown answer could have had (a bounded number of branches),
replay the interview in each, and compare the goals: a goal with the same value in every
branch is *firm*; otherwise it is *conditional* and we say which value follows from which
assumption. The unknown answers on which most goals turn are named first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from engine.compiler import CompiledModule
from engine.conditions import around, comparisons
from engine.model import DONT_KNOW, UNDECIDED, is_date
from engine.planner import Plan, replay

#: At most this many combinations of unknown answers are explored.
MAX_BRANCHES = 64


@dataclass(frozen=True)
class Uncertainty:
    unknowns: tuple[str, ...]  # the facts answered "I don't know"
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
    thresholds = {
        c.operand
        for cond in compiled.conditions.values()
        for c in comparisons(cond)
        if c.fact == fact and (is_date(c.operand) if q.type == "date" else isinstance(c.operand, (int, float)))
    }
    points = {p for t in thresholds for p in around(t)}
    return sorted(points) or [datetime.date.today() if q.type == "date" else 0]


def explore(compiled: CompiledModule, plan: Plan) -> Uncertainty:
    """Branch on every unknown answer, and on the follow-up questions a branch opens."""
    unknowns = tuple(f for f, v in plan.used.items() if v is DONT_KNOW)
    goals = compiled.module.goals
    work: list[dict] = [{}]
    leaves: list[tuple[dict, dict]] = []
    truncated = False
    while work:
        assumption = work.pop(0)
        pending = [f for f in unknowns if f not in assumption]
        result = replay(compiled, {**plan.used, **assumption})
        follow_up = pending[0] if pending else result.next_question
        if follow_up is not None and len(leaves) + len(work) + len(candidate_values(compiled, follow_up)) <= MAX_BRANCHES:
            work.extend({**assumption, follow_up: v} for v in candidate_values(compiled, follow_up))
            continue
        truncated = truncated or follow_up is not None
        leaves.append((assumption, {g: result.state.facts.get(g, UNDECIDED) for g in goals}))
    firm, conditional = {}, {}
    influence: dict = {}
    for goal in goals:
        seen = {_key(values[goal]) for _, values in leaves}
        if len(seen) == 1:
            firm[goal] = leaves[0][1][goal]
            continue
        by_value: dict = {}
        for assumption, values in leaves:
            path = _deciding_prefix(leaves, goal, assumption)
            for f in path:
                influence[f] = influence.get(f, 0) + 1
            bucket = by_value.setdefault(values[goal], [])
            if path not in bucket:
                bucket.append(path)
        conditional[goal] = list(by_value.items())
    order = list(dict.fromkeys(f for a, _ in leaves for f in a))
    key = tuple(sorted(influence.items(), key=lambda fn: (-fn[1], order.index(fn[0]))))
    return Uncertainty(unknowns, firm, conditional, key, len(leaves), truncated)


def _deciding_prefix(leaves, goal: str, assumption: dict) -> dict:
    """The shortest start of a branch's assumptions after which the goal no longer varies."""
    items = list(assumption.items())
    for n in range(len(items) + 1):
        prefix = dict(items[:n])
        outcomes = {_key(v[goal]) for a, v in leaves if all(_key(a.get(f)) == _key(x) for f, x in prefix.items())}
        if len(outcomes) == 1:
            return prefix
    return dict(items)


def _key(value):
    return tuple(sorted(value)) if isinstance(value, frozenset) else value
