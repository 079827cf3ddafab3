"""A consultation: answers in, conclusions, recommendations and trace out.

This is the one entry point the views (CLI, web UI, tests) use:

    outcome = consult(compiled, answers)

It replays the interview (engine.planner), runs the rules on the backend
(engine.inference) and, when answers are "I don't know", works out which conclusions are
firm and which depend on the unknown answers (engine.uncertainty).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.compiler import CompiledModule
from engine.inference import run
from engine.logic import Firing
from engine.model import ABSENT, DONT_KNOW, Recommendation
from engine.planner import Plan, replay


@dataclass(frozen=True)
class Outcome:
    module: str
    answers: dict  # the answers the interview used, in the order asked
    unused_answers: dict
    complete: bool
    next_question: str | None
    open_goals: tuple[str, ...]
    conclusions: dict  # settled derived facts that have a value
    recommendations: tuple[tuple[str, Recommendation], ...]
    trace: tuple[Firing, ...]
    plan: Plan
    uncertainty: object | None  # engine.uncertainty.Uncertainty when answers were dont_know


def consult(
    compiled: CompiledModule, answers: Mapping[str, object], explore_unknowns: bool = True, close_unanswered: bool = False
) -> Outcome:
    """Conclusions for `answers`. `close_unanswered` reads them as a finished answers file
    (questions left out count as not applicable; see `engine.planner.replay`)."""
    plan = replay(compiled, answers, close_unanswered)
    result = run(compiled, plan.state)
    conclusions = {f: v for f, v in result.facts.items() if f in compiled.concluders and v is not ABSENT}
    uncertainty = None
    if explore_unknowns and any(v is DONT_KNOW for v in plan.used.values()):
        from engine.uncertainty import explore

        uncertainty = explore(compiled, plan)
    return Outcome(
        module=compiled.module.id,
        answers=plan.used,
        unused_answers=plan.unused,
        complete=plan.complete,
        next_question=plan.next_question or next(iter(plan.not_answered), None),  # closed: the first left out
        open_goals=plan.open_goals,
        conclusions=conclusions,
        recommendations=result.recommendations,
        trace=result.firings,
        plan=plan,
        uncertainty=uncertainty,
    )
