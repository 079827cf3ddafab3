"""Run the knowledge base's own YAML test cases and measure what they cover.

A case states answers and the exact expected conclusions. It may also name rules that must
fire and sources that must be cited, so a right answer for a wrong legal reason fails.
A case (or the file's `defaults:`) may require `complete: true`: the interview must then
end with its answers and every goal decided.

A case is a finished set of facts: a question the interview needs but the case leaves out
counts as not applicable (`close_unanswered`), so a case asserts what its facts support.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.answers import check_value, parse_answers
from engine.compiler import CompiledModule
from engine.conditions import comparisons
from engine.consultation import Outcome, consult
from engine.errors import AnswerError
from engine.logic import T, compare_truth
from engine.model import TestCase


@dataclass
class CaseResult:
    case: TestCase
    outcome: Outcome | None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def run_case(compiled: CompiledModule, case: TestCase) -> CaseResult:
    kb = compiled.kb
    try:
        answers = parse_answers(kb, case.answers, case.origin.file, compiled.module.id)
    except AnswerError as exc:
        return CaseResult(case, None, [str(p) for p in exc.problems])
    outcome = consult(compiled, answers, explore_unknowns=False, close_unanswered=True, as_of=case.as_of)
    result = CaseResult(case, outcome)
    for fact, raw in case.expected.items():
        expected, error = check_value(kb, fact, raw)
        if error:
            result.failures.append(f"expected value for {fact}: {error}")
            continue
        actual = outcome.conclusions.get(fact)
        if actual != expected:
            result.failures.append(f"{fact}: expected {show(expected)}, got {show(actual)}")
    fired = {f.rule for f in outcome.trace}
    for rule in case.rules_fired:
        if rule not in fired:
            result.failures.append(f"rule {rule} was expected to fire but did not")
    cited = {ref.source for f in outcome.trace for ref in compiled.rules[f.rule].sources}
    for source in case.sources_cited:
        if source not in cited:
            result.failures.append(f"source {source} was expected to be cited but no fired rule cites it")
    if case.complete is not None and outcome.complete != case.complete:
        missing = f" (next question: {outcome.next_question})" if outcome.next_question else ""
        result.failures.append(f"interview complete: expected {case.complete}, got {outcome.complete}{missing}")
    return result


def show(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(value)) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Coverage:
    unfired_rules: list[str]
    untested_comparisons: list[tuple[str, str]]  # (rule id, comparison text) never true in any case


def coverage(compiled: CompiledModule, results: list[CaseResult]) -> Coverage:
    """Rules no case fires, and comparisons no case makes true (in rules that fired or not)."""
    from engine.conditions import describe

    fired = {f.rule for r in results if r.outcome for f in r.outcome.trace}
    unfired = [rid for rid in compiled.rules if rid not in fired]
    untested = []
    for rid, cond in compiled.conditions.items():
        for cmp in comparisons(cond):
            if not any(r.outcome and compare_truth(cmp, r.outcome.plan.state.facts, {}) is T for r in results):
                untested.append((rid, describe(cmp)))
    return Coverage(unfired, untested)
