"""A consultation: answers in, conclusions, recommendations and trace out.

This is the one entry point the views (CLI, web UI, tests) use:

    outcome = consult(compiled, answers)

It replays the interview (engine.planner), runs the rules on the backend
(engine.inference) and, when answers are "I don't know", works out which conclusions are
firm and which depend on the unknown answers (engine.uncertainty).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from engine.compiler import CompiledModule
from engine.inference import run
from engine.logic import Firing
from engine.model import ABSENT, AS_OF, DONT_KNOW, Recommendation
from engine.planner import Plan, replay


@dataclass(frozen=True)
class Outcome:
    module: str
    as_of: datetime.date  # the date the law was applied as of
    kb_version: str  # content hash of the knowledge base (engine.loader.content_hash)
    module_version: str  # the guide's own version text
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
    compiled: CompiledModule,
    answers: Mapping[str, object],
    explore_unknowns: bool = True,
    close_unanswered: bool = False,
    as_of: datetime.date | None = None,
) -> Outcome:
    """Conclusions for `answers`, applying the law as it stands on `as_of` (default: today).

    `close_unanswered` reads the answers as a finished answers file (questions left out
    count as not applicable; see `engine.planner.replay`)."""
    as_of = as_of or datetime.date.today()
    plan = replay(compiled, {**answers, AS_OF: as_of}, close_unanswered)
    result = run(compiled, plan.state)
    conclusions = {f: v for f, v in result.facts.items() if f in compiled.concluders and v is not ABSENT}
    uncertainty = None
    if explore_unknowns and any(v is DONT_KNOW for v in plan.used.values()):
        from engine.uncertainty import explore

        uncertainty = explore(compiled, plan)
    return Outcome(
        module=compiled.module.id,
        as_of=as_of,
        kb_version=compiled.kb.version,
        module_version=compiled.module.version,
        answers={f: v for f, v in plan.used.items() if f != AS_OF},
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
