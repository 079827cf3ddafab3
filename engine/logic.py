"""Three-valued reading of the rules: what is true, false or still open given partial answers.

The planner needs to know, before all answers are in, which rules can still fire and
which conclusions are already settled. `settle` works that out with Kleene logic over the
compiled module; it is pure and cheap. The backends do the actual forward chaining for
the final trace; tests check that both agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from engine.conditions import test_value
from engine.model import ABSENT, DONT_KNOW, All, Any_, Compare, ConclusionType, Condition, Rule


class Truth(Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
_MISSING = object()


def truth(cond: Condition, facts: Mapping, possible: Mapping) -> Truth:
    """Kleene truth of an NNF condition.

    `facts` holds settled facts (values, DONT_KNOW or ABSENT). A fact missing from it is
    open; `possible` may narrow an open fact to the values it can still take.
    """
    if isinstance(cond, Compare):
        return compare_truth(cond, facts, possible)
    if isinstance(cond, All):
        stop, result = F, T
    elif isinstance(cond, Any_):
        stop, result = T, F
    else:
        raise TypeError(f"condition not in negation normal form: {cond!r}")
    for part in cond.parts:  # stop at the first false (all) or true (any) part
        r = truth(part, facts, possible)
        if r is stop:
            return stop
        if r is U:
            result = U
    return result


def compare_truth(cmp: Compare, facts: Mapping, possible: Mapping) -> Truth:
    value = facts.get(cmp.fact, _MISSING)
    if value is not _MISSING:
        if value is DONT_KNOW and cmp.op != "known":
            return U  # the answer exists in the world, the user just does not know it
        return T if test_value(cmp, value) else F
    candidates = possible.get(cmp.fact)
    if candidates is not None and not any(test_value(cmp, v) for v in candidates):
        return F  # no value the fact can still take satisfies it
    return U


Evaluator = Callable[[Mapping, Mapping], Truth]


def compile_truth(cond: Condition) -> Evaluator:
    """`truth` for one condition as a function of (facts, possible), built once.

    The planner evaluates the same conditions thousands of times per interview; walking
    the condition tree each time is most of its cost. The result always equals
    `truth(cond, facts, possible)` (a test checks this); comparisons still go through
    `test_value`, and `all`/`any` stop at the first false/true part, which cannot change
    the answer because evaluating a part has no effects.
    """
    if isinstance(cond, Compare):
        return _compile_compare(cond)
    if isinstance(cond, All):
        stop, done = F, T
    elif isinstance(cond, Any_):
        stop, done = T, F
    else:
        raise TypeError(f"condition not in negation normal form: {cond!r}")
    if all(isinstance(p, Compare) for p in cond.parts):
        return _compile_flat(cond.parts, stop, done)
    parts = tuple(compile_truth(p) for p in cond.parts)

    def evaluate(facts: Mapping, possible: Mapping) -> Truth:
        result = done
        for part in parts:
            r = part(facts, possible)
            if r is stop:
                return stop
            if r is U:
                result = U
        return result

    return evaluate


#: Remember at most this many values per comparison (numbers answered can be endless).
_MEMO_SIZE = 512


def _memo_test(cmp: Compare) -> Callable[[object], bool]:
    """`test_value` for one comparison, remembering its answer per value it has seen.

    Values are keyed by type and value, so True, 1 and 1.0 stay apart as `test_value`
    keeps them; the memo only saves recomputing a pure function.
    """
    memo: dict = {}

    def test(value) -> bool:
        key = (type(value), value)
        result = memo.get(key)
        if result is None:
            result = test_value(cmp, value)
            if len(memo) < _MEMO_SIZE:
                memo[key] = result
        return result

    return test


def _compile_flat(parts: tuple[Compare, ...], stop: Truth, done: Truth) -> Evaluator:
    """`all`/`any` of comparisons only (the usual rule), without a call per comparison."""
    tests = tuple((c.fact, c.op == "known", _memo_test(c)) for c in parts)

    def evaluate(facts: Mapping, possible: Mapping) -> Truth:
        result = done
        for fact, known, test in tests:  # compare_truth, inline
            value = facts.get(fact, _MISSING)
            if value is not _MISSING:
                r = U if value is DONT_KNOW and not known else (T if test(value) else F)
            else:
                candidates = possible.get(fact)
                r = F if candidates is not None and not any(test(v) for v in candidates) else U
            if r is stop:
                return stop
            if r is U:
                result = U
        return result

    return evaluate


def _compile_compare(cmp: Compare) -> Evaluator:
    """`compare_truth` for one comparison, with `test_value` remembered per value."""
    fact, known, test = cmp.fact, cmp.op == "known", _memo_test(cmp)

    def evaluate(facts: Mapping, possible: Mapping) -> Truth:
        value = facts.get(fact, _MISSING)
        if value is not _MISSING:
            if value is DONT_KNOW and not known:
                return U
            return T if test(value) else F
        candidates = possible.get(fact)
        if candidates is not None and not any(test(v) for v in candidates):
            return F
        return U

    return evaluate


@dataclass(frozen=True)
class Firing:
    """One rule that fired, with the facts its comparisons matched."""

    rule: str
    matched: tuple[tuple[str, object], ...]


def combine(decl: ConclusionType, concluded: list[tuple[Rule, object]]):
    """The value of a conclusion from the (rule, value) pairs of the rules that fired."""
    if not concluded:
        return ABSENT
    if decl.type == "multichoice":
        out: set = set()
        for _, value in concluded:
            out |= value if isinstance(value, frozenset) else {value}
        return frozenset(out)
    if decl.resolve == "highest":
        order = {v: i for i, v in enumerate(decl.values)}
        return max((v for _, v in concluded), key=lambda v: order.get(v, -1))
    best = max(concluded, key=lambda rv: rv[0].priority)
    return best[1]


def settled_early(decl: ConclusionType, held: list[tuple[Rule, object]], open_rules: list[tuple[Rule, object]]) -> bool:
    """Whether rules that still might fire can no longer change the combined value.

    With `highest`, once a rule that holds gives a value at least as high as any open rule
    could, the value is final (the strictest class found stops the search). With `priority`,
    once the winning rule outranks every open rule. Multichoice values can always grow.
    """
    if not held or decl.type == "multichoice":
        return False
    if decl.resolve == "highest":
        order = {v: i for i, v in enumerate(decl.values)}
        best = max(order.get(v, -1) for _, v in held)
        return all(order.get(v, -1) <= best for _, v in open_rules)
    winner, value = max(held, key=lambda rv: rv[0].priority)
    return all(r.priority < winner.priority or v == value for r, v in open_rules)


def possible_values(decl: ConclusionType, open_values: list) -> frozenset:
    """Every value an open conclusion could still end with (for pruning in `truth`)."""
    values: set = {ABSENT}
    if decl.type == "multichoice":
        # any union of the values still in play; enumerate only when small
        items = set()
        for v in open_values:
            items |= v if isinstance(v, frozenset) else {v}
        if len(items) > 10:
            return None  # too many combinations to list: treat as unconstrained
        from itertools import combinations

        for n in range(1, len(items) + 1):
            values |= {frozenset(c) for c in combinations(sorted(items), n)}
        return frozenset(values)
    return frozenset(values | set(open_values))
