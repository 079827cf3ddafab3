"""Where a consultation stands: which facts are settled, which rules are decided.

`settle` is pure: answers in, `State` out. A question is *skipped* (its fact ABSENT) when
its `ask_if` is false; a derived fact is *settled* when every rule that could conclude it
is decided, and then takes the combined value of the rules that hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.compiler import CompiledModule
from engine.logic import F, T, Truth, U, combine, possible_values, settled_early, truth
from engine.model import ABSENT


@dataclass(frozen=True)
class State:
    facts: dict  # settled facts: answers, ABSENT for skipped questions, settled conclusions
    possible: dict  # open derived fact → values it may still take (None: too many to list)
    rule_truth: dict  # rule id → Truth
    skipped: frozenset  # questions whose ask_if is false

    def is_settled(self, fact: str) -> bool:
        return fact in self.facts


def settle(compiled: CompiledModule, answers: Mapping[str, object]) -> State:
    kb = compiled.kb
    skipped: set[str] = set()
    while True:  # skipping a question can settle a fact that skips another: repeat to a fixpoint
        facts: dict = {f: answers.get(f, ABSENT) for f in compiled.module.inputs}  # not given: guide not done
        for q in compiled.questions:
            if q.id in skipped:
                facts[q.id] = ABSENT
            elif q.id in answers:
                facts[q.id] = answers[q.id]
        possible: dict = {}
        rule_truth: dict = {}
        for step, settles in zip(compiled.steps, compiled.settles_after):
            for rid in step:
                rule_truth[rid] = truth(compiled.conditions[rid], facts, possible)
            for fact in settles:
                rules = [compiled.rules[r] for r in compiled.concluders[fact]]
                truths = [rule_truth[r.id] for r in rules]
                decl = kb.conclusions[fact]
                held = [(r, dict(r.conclude)[fact]) for r, t in zip(rules, truths) if t is T]
                still_open = [(r, dict(r.conclude)[fact]) for r, t in zip(rules, truths) if t is U]
                if not still_open or settled_early(decl, held, still_open):
                    facts[fact] = combine(decl, held)
                else:
                    open_values = [dict(r.conclude)[fact] for r, t in zip(rules, truths) if t is not F]
                    pv = possible_values(decl, open_values)
                    if pv is not None and held:
                        pv = pv - {ABSENT}
                    possible[fact] = pv
        newly = {
            q.id
            for q in compiled.questions
            if q.id not in skipped and q.id in compiled.ask_if and truth(compiled.ask_if[q.id], facts, possible) is F
        }
        if not newly:
            return State(facts, possible, rule_truth, frozenset(skipped))
        skipped |= newly


def ask_if_truth(compiled: CompiledModule, state: State, question: str) -> Truth:
    cond = compiled.ask_if.get(question)
    return T if cond is None else truth(cond, state.facts, state.possible)
