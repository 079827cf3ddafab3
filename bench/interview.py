"""Interview figures: what a person waits for at each question, measured through the Consultation API.

- `why_ms`: "Why is this asked?" at a question (engine.relevance, worked out afresh for the
  state, as after each answer).
- `answer_step_ms`: one step, answering the question being asked and getting the next one.

Measured along the answer paths of the knowledge base's own cases (each case's answers,
answered in the order the planner asks), and along generated answer sets for the generated
knowledge bases.
"""

from __future__ import annotations

import time

from engine.session import Workspace


def walk(ws: Workspace, module: str, answers: dict, why: list, steps: list, limit: int = 10_000) -> None:
    """Answer `answers` in the planner's order, timing why() and each answer step."""
    consultation = ws.consultation(module, as_of=None)
    inputs = {f: v for f, v in answers.items() if f in ws.kb.modules[module].inputs}
    if inputs:
        consultation.resume(inputs)  # other guides' results, given as the web UI gives them from the same case
    _ = consultation.plan  # the first plan is the start page's cost, not a step
    for _ in range(limit):
        question = consultation.next_question
        if question is None or question.id not in answers:
            return
        start = time.perf_counter()
        consultation.why(question.id)
        why.append(time.perf_counter() - start)
        start = time.perf_counter()
        consultation.answer(question.id, answers[question.id])
        _ = consultation.next_question
        steps.append(time.perf_counter() - start)


def case_paths(ws: Workspace, module: str) -> list[dict]:
    """The raw answers of each YAML case of `module` (as a user would give them)."""
    return [dict(case.answers) for case in ws.kb.tests if case.module == module]
