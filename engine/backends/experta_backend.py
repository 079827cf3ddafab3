"""The experta backend: each rule step becomes a KnowledgeEngine subclass.

Each comparison compiles to a pattern `Fact(id=<fact>, value=P(<test>))`: the fact id is
data and the test is `engine.conditions.test_value`, so nothing from YAML becomes code.
`all` compiles to AND, `any` to OR (experta then fires once per matching branch; we keep
the first firing of each rule and merge what the branches matched).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

from engine.backends import RuleSpec
from engine.conditions import test_value
from engine.experta_compat import experta
from engine.logic import Firing
from engine.model import All, Any_, Compare, Condition


class ExpertaBackend:
    name = "experta"

    def compile(self, steps: Sequence[Sequence[RuleSpec]]) -> ExpertaProgram:
        return ExpertaProgram([_engine_class(i, step) for i, step in enumerate(steps)])


class ExpertaProgram:
    def __init__(self, classes: list[type]) -> None:
        self._classes = classes

    def fire(self, step: int, facts: Mapping[str, object]) -> list[Firing]:
        engine = self._classes[step]()
        engine.reset()
        for fact, value in facts.items():
            engine.declare(experta.Fact(id=fact, value=_hashable(value)))
        engine.run()
        return [Firing(rule, tuple(sorted(matched.items()))) for rule, matched in engine.vv_fired.items()]


def _hashable(value):
    return tuple(sorted(value)) if isinstance(value, frozenset) else value


def _engine_class(index: int, rules: Sequence[RuleSpec]) -> type:
    def __init__(self):
        experta.KnowledgeEngine.__init__(self)
        self.vv_fired = {}

    body = {"__init__": __init__}
    for n, (rule_id, cond) in enumerate(rules):
        counter = iter(range(10_000))
        lhs = _pattern(cond, counter)
        body[f"rule_{n}"] = experta.Rule(lhs)(_action(rule_id))
    return type(f"Step{index}", (experta.KnowledgeEngine,), body)


def _action(rule_id: str):
    def fire(self, **bound):
        matched = self.vv_fired.setdefault(rule_id, {})
        for fact in bound.values():
            value = fact["value"]
            matched[fact["id"]] = frozenset(value) if isinstance(value, tuple) else value

    return fire


def _pattern(cond: Condition, counter):
    if isinstance(cond, Compare):
        test = partial(_test, cond)
        return getattr(experta.AS, f"m{next(counter)}") << experta.Fact(id=cond.fact, value=experta.P(test))
    parts = [_pattern(p, counter) for p in cond.parts]
    if isinstance(cond, All):
        return experta.AND(*parts)
    if isinstance(cond, Any_):
        return experta.OR(*parts)
    raise TypeError(f"condition not in negation normal form: {cond!r}")


def _test(cmp: Compare, value) -> bool:
    return test_value(cmp, frozenset(value) if isinstance(value, tuple) else value)
