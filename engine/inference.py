"""Run the compiled rules on a backend, step by step, and record what fired.

Only settled facts are given to the backend (see engine.state), so every firing is firm:
more answers can add firings but never take one back.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.compiler import CompiledModule
from engine.logic import Firing, combine
from engine.model import Recommendation
from engine.state import State


@dataclass(frozen=True)
class Run:
    facts: dict  # every fact given to or concluded by the engine (ABSENT included)
    firings: tuple[Firing, ...]  # in firing order
    recommendations: tuple[tuple[str, Recommendation], ...]  # (rule id, recommendation)


def run(compiled: CompiledModule, state: State) -> Run:
    kb = compiled.kb
    given = [f for f in compiled.inputs] + [q.id for q in compiled.questions]
    facts = {f: state.facts[f] for f in given if f in state.facts}
    firings: list[Firing] = []
    fired_so_far: set[str] = set()  # a fact's concluders may sit in earlier steps than the one that settles it
    for index, (step, settles) in enumerate(zip(compiled.steps, compiled.settles_after)):
        fired = {f.rule: f for f in compiled.program.fire(index, facts)}
        firings.extend(fired[rid] for rid in step if rid in fired)
        fired_so_far.update(fired)
        for fact in settles:
            if not state.is_settled(fact):
                continue  # still open: later steps must not read a provisional value
            held = [(compiled.rules[r], dict(compiled.rules[r].conclude)[fact]) for r in compiled.concluders[fact] if r in fired_so_far]
            facts[fact] = combine(kb.conclusions[fact], held)
    recommendations = tuple((f.rule, rec) for f in firings for rec in compiled.rules[f.rule].recommend)
    return Run(facts, tuple(firings), recommendations)
