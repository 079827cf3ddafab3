"""How and why-not explanations, built from the trace (never from a backend).

how(compiled, outcome, fact)          the proof: rules that concluded the fact, down to answers
why_not(compiled, outcome, fact, v)   each rule that could have concluded v and where it stopped

Why a question is asked comes from the planner's own relevance (engine.relevance).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.compiler import CompiledModule
from engine.conditions import comparisons, facts_in
from engine.consultation import Outcome
from engine.logic import F, truth
from engine.model import ABSENT, Compare, Rule
from engine.state import State


@dataclass(frozen=True)
class Premise:
    """A fact a rule matched: an answer, or a conclusion with its own proof."""

    fact: str
    value: object
    is_answer: bool
    support: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Step:
    rule: Rule
    fact: str
    value: object
    premises: tuple[Premise, ...]


@dataclass(frozen=True)
class How:
    fact: str
    value: object
    steps: tuple[Step, ...]  # the rules whose conclusion decided the value
    overridden: tuple[tuple[Rule, object], ...]  # rules that fired with a value that lost
    resolve: str  # 'highest' or 'priority' when rules disagreed, else ''


def how(compiled: CompiledModule, outcome: Outcome, fact: str) -> How:
    value = outcome.conclusions.get(fact, ABSENT)
    fired = {f.rule: f for f in outcome.trace}
    decisive, overridden = [], []
    for rid in compiled.concluders.get(fact, ()):
        if rid not in fired:
            continue
        rule = compiled.rules[rid]
        concluded = dict(rule.conclude)[fact]
        if _contributes(concluded, value):
            decisive.append(_step(compiled, outcome, fired, rule, fact, concluded, depth=0))
        else:
            overridden.append((rule, concluded))
    resolve = compiled.kb.conclusions[fact].resolve if overridden else ""
    return How(fact, value, tuple(decisive), tuple(overridden), resolve)


def _contributes(concluded, value) -> bool:
    if isinstance(value, frozenset):
        return (concluded <= value) if isinstance(concluded, frozenset) else concluded in value
    return concluded == value


def _step(compiled, outcome, fired, rule: Rule, fact: str, value, depth: int) -> Step:
    premises = []
    order = facts_in(rule.when)  # premises in the order the rule states them
    matched = sorted(fired[rule.id].matched, key=lambda fv: order.index(fv[0]) if fv[0] in order else len(order))
    for matched_fact, matched_value in matched:
        if matched_fact in compiled.kb.conclusions and depth < 12:
            sub = how(compiled, outcome, matched_fact)
            premises.append(Premise(matched_fact, matched_value, False, sub.steps))
        else:
            premises.append(Premise(matched_fact, matched_value, matched_fact in compiled.kb.questions))
    return Step(rule, fact, value, tuple(premises))


@dataclass(frozen=True)
class Blocked:
    rule: Rule
    status: str  # 'failed' (a condition is false), 'waiting' (an answer is missing), 'overridden'
    at: Compare | None
    actual: object
    decided_by: tuple[Rule, ...] = ()  # when `at` reads a conclusion: the rules that drew it, down to the answers


def root_rules(steps: tuple[Step, ...]) -> tuple[Rule, ...]:
    """The rules at the bottom of a proof: those that rest on answers alone."""
    found: list[Rule] = []
    for step in steps:
        below = [sub for p in step.premises for sub in p.support]
        for rule in root_rules(tuple(below)) if below else (step.rule,):
            if rule not in found:
                found.append(rule)
    return tuple(found)


def why_not(compiled: CompiledModule, outcome: Outcome, fact: str, value) -> tuple[Blocked, ...]:
    state = outcome.plan.state
    fired = {f.rule for f in outcome.trace}
    out = []
    for rid in compiled.concluders.get(fact, ()):
        rule = compiled.rules[rid]
        if dict(rule.conclude)[fact] != value:
            continue
        if rid in fired:
            out.append(Blocked(rule, "overridden", None, None))
            continue
        cond = compiled.conditions[rid]
        status = truth(cond, state.facts, state.possible)
        at = _blame(cond, status, state)
        if status is F:
            actual = state.facts.get(at.fact, ABSENT)
            drawn = root_rules(how(compiled, outcome, at.fact).steps) if at.fact in compiled.concluders else ()
            out.append(Blocked(rule, "failed", at, actual, drawn))
        else:
            out.append(Blocked(rule, "waiting", at, None))
    return tuple(out)


def _blame(cond, status, state: State) -> Compare:
    """The comparison that makes `cond` false (or open): the first one that decides it."""
    if isinstance(cond, Compare):
        return cond
    for part in cond.parts:
        if truth(part, state.facts, state.possible) is status:
            return _blame(part, status, state)
    return next(comparisons(cond))


def proof_answers(explanation: How) -> tuple[str, ...]:
    """The answers the rules of a proof matched, in the order they first appear (each once)."""
    found: list[str] = []

    def walk(steps) -> None:
        for step in steps:
            for premise in step.premises:
                if premise.is_answer and premise.fact not in found:
                    found.append(premise.fact)
                walk(premise.support)

    walk(explanation.steps)
    return tuple(found)


def proof_steps(explanation: How) -> tuple[Step, ...]:
    """Every step of a proof once, depth first, the step drawing a conclusion before the steps
    that use it; a conclusion reached through several rules is listed with each of them once."""
    seen: set = set()
    out: list[Step] = []

    def walk(steps) -> None:
        for step in steps:
            key = (step.rule.id, step.fact)
            if key in seen:
                continue
            seen.add(key)
            out.append(step)
            for premise in step.premises:
                walk(premise.support)

    walk(explanation.steps)
    return tuple(out)
