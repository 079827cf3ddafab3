"""The condition language: parse YAML into `Condition` objects, normalise, and test values.

A condition is data, never code:

    all: [ ... ]            every part holds
    any: [ ... ]            at least one part holds
    not: { ... }            the part does not hold
    fact: ID, OP: OPERAND   a comparison, OP one of engine.model.COMPARISONS

`to_nnf` pushes every `not` down to the comparisons, so that a compiled rule only ever
matches facts that are present. That keeps inference monotone: a rule that fired stays
fired when more answers arrive, which the planner and the explanations rely on.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from engine.model import ABSENT, COMPARISONS, DONT_KNOW, All, Any_, Compare, Condition, Not, Origin, is_date
from engine.problems import did_you_mean
from engine.reading import Reader
from engine.yamlfile import LocatedList

NUMERIC = ("greater_than", "less_than", "at_least", "at_most")


def parse_condition(reader: Reader, node, line: int) -> Condition | None:
    """Parse one condition; record problems on `reader` and return None when it is unusable."""
    if isinstance(node, LocatedList):  # a bare list means 'all of these'
        parts = [parse_condition(reader, item, node.line_of(i)) for i, item in enumerate(node)]
        if None in parts:
            return None
        return All(tuple(parts), Origin(reader.name, node.line))
    m = reader.mapping(node, "a condition", line)
    if m is None:
        return None
    origin = Origin(reader.name, m.line)
    if "all" in m or "any" in m:
        key = "all" if "all" in m else "any"
        if len(m) != 1:
            reader.problem(m.line, f"'{key}' must stand alone in its condition", f"put the other keys in items of the '{key}' list")
            return None
        items = m[key]
        if not isinstance(items, LocatedList) or not items:
            reader.problem(m.line_of(key), f"'{key}' needs a non-empty list of conditions", "start each condition with '- '")
            return None
        parts = [parse_condition(reader, item, items.line_of(i)) for i, item in enumerate(items)]
        if None in parts:
            return None
        return (All if key == "all" else Any_)(tuple(parts), origin)
    if "not" in m:
        if len(m) != 1:
            reader.problem(m.line, "'not' must stand alone in its condition", "wrap the other keys in 'all:' inside 'not:'")
            return None
        part = parse_condition(reader, m["not"], m.line_of("not"))
        return None if part is None else Not(part, origin)
    if "fact" not in m:
        hint = (
            did_you_mean(next(iter(m), ""), ("all", "any", "not", "fact")) or "use 'fact:' with a comparison, or 'all:', 'any:' or 'not:'"
        )
        reader.problem(m.line, "a condition needs 'fact:' with a comparison, or 'all:', 'any:' or 'not:'", hint)
        return None
    ops = [k for k in m if k != "fact"]
    unknown = [k for k in ops if k not in COMPARISONS]
    for k in unknown:
        hint = did_you_mean(k, COMPARISONS) or f"use one of: {', '.join(COMPARISONS)}"
        reader.problem(m.line_of(k), f"unknown comparison '{k}'", hint)
    if unknown:
        return None
    if len(ops) != 1:
        reader.problem(
            m.line,
            f"a comparison needs exactly one operator, found {len(ops)}",
            f"use one of: {', '.join(COMPARISONS)}; combine several with 'all:'",
        )
        return None
    op = ops[0]
    operand = m[op]
    if op == "known" and not isinstance(operand, bool):
        reader.problem(m.line_of(op), "'known' takes true or false", "write 'known: true' or 'known: false'")
        return None
    if op in NUMERIC:
        operand = date_operand(operand)
    if op in NUMERIC and (isinstance(operand, bool) or not isinstance(operand, (int, float)) and not is_date(operand)):
        reader.problem(m.line_of(op), f"'{op}' needs a number or a date, not {operand!r}", f"write e.g. '{op}: 3' or '{op}: 2030-12-31'")
        return None
    if op in ("in", "contains_any") and not isinstance(operand, list):
        reader.problem(m.line_of(op), f"'{op}' needs a list of values", f"write '{op}: [a, b]'")
        return None
    if isinstance(operand, list):
        operand = tuple(operand)
    return Compare(str(m["fact"]), op, operand, Origin(reader.name, m.line))


def date_operand(operand):
    """A date written in YAML, quoted ('2030-12-31') or not, as a date; anything else as it is."""
    if isinstance(operand, str) and len(operand) == 10 and operand[4] == "-" and operand[7] == "-":
        try:
            return datetime.date.fromisoformat(operand)
        except ValueError:
            return operand
    return operand


def around(bound, offsets=(-1, 0, 1)) -> list:
    """Values next to a number or date a comparison mentions (a date moves by whole days)."""
    if is_date(bound):
        return [bound + datetime.timedelta(days=int(d)) for d in offsets if d == int(d)]
    return [bound + d for d in offsets]


def to_nnf(cond: Condition, negate: bool = False) -> Condition:
    """Push `not` down to the comparisons (negation normal form)."""
    if isinstance(cond, Not):
        return to_nnf(cond.part, not negate)
    if isinstance(cond, (All, Any_)):
        parts = tuple(to_nnf(p, negate) for p in cond.parts)
        flip = isinstance(cond, All) == negate  # De Morgan
        return Any_(parts, cond.origin) if flip else All(parts, cond.origin)
    if not negate:
        return cond
    if cond.op == "known":
        return Compare(cond.fact, "known", not cond.operand, cond.origin, cond.negated)
    return Compare(cond.fact, cond.op, cond.operand, cond.origin, not cond.negated)


def comparisons(cond: Condition) -> Iterator[Compare]:
    """Every comparison in a condition, left to right."""
    if isinstance(cond, Compare):
        yield cond
    elif isinstance(cond, Not):
        yield from comparisons(cond.part)
    else:
        for part in cond.parts:
            yield from comparisons(part)


def facts_in(cond: Condition | None) -> list[str]:
    """The fact ids a condition reads, in order of first mention."""
    if cond is None:
        return []
    return list(dict.fromkeys(c.fact for c in comparisons(cond)))


def has_value(value) -> bool:
    return value is not DONT_KNOW and value is not ABSENT


def test_value(cmp: Compare, value) -> bool:
    """Whether a comparison holds for a fact with this value (DONT_KNOW and ABSENT included).

    This one function decides comparisons for every backend and for the planner, so they
    cannot disagree on what a comparison means.
    """
    if cmp.op == "known":
        return has_value(value) == cmp.operand
    if not has_value(value):
        return False  # neither a comparison nor its negation holds without a value
    result = _compare(cmp.op, cmp.operand, value)
    return not result if cmp.negated else result


def _compare(op: str, operand, value) -> bool:
    if op == "equals":
        if isinstance(value, frozenset):
            return value == frozenset(operand if isinstance(operand, tuple) else (operand,))
        return value == operand and type(value) is type(operand) or _same_number(value, operand)
    if op == "in":
        return value in operand
    if op == "contains":
        return isinstance(value, frozenset) and operand in value
    if op == "contains_any":
        return isinstance(value, frozenset) and any(v in value for v in operand)
    if is_date(operand) != is_date(value):
        return False  # a date is only ever compared with a date
    if not is_date(value) and (not isinstance(value, (int, float)) or isinstance(value, bool)):
        return False
    if op == "greater_than":
        return value > operand
    if op == "less_than":
        return value < operand
    if op == "at_least":
        return value >= operand
    return value <= operand  # at_most


def _same_number(a, b) -> bool:
    numbers = (int, float)
    return isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool) and a == b


def describe(cmp: Compare) -> str:
    """A compact, language-neutral rendering, e.g. `mdr.is_software = true`."""
    symbols = {
        "equals": "=",
        "in": "in",
        "contains": "contains",
        "contains_any": "contains any of",
        "greater_than": ">",
        "less_than": "<",
        "at_least": "≥",
        "at_most": "≤",
    }
    if cmp.op == "known":
        return f"{cmp.fact} is {'known' if cmp.operand else 'unknown'}"
    operand = cmp.operand
    if isinstance(operand, tuple):
        shown = "[" + ", ".join(_show(v) for v in operand) + "]"
    else:
        shown = _show(operand)
    neg = "not " if cmp.negated else ""
    return f"{neg}{cmp.fact} {symbols[cmp.op]} {shown}"


def _show(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
