"""Turn an Outcome into plain JSON-ready data: the contract of `vagvisare evaluate --format json`
and of the web API's `POST /api/v1/evaluate`, kept in one place so both stay the same."""

from __future__ import annotations

from engine.consultation import Outcome
from engine.model import ABSENT, DONT_KNOW, DONT_KNOW_WORD, UNDECIDED, KnowledgeBase, is_date


def plain(kb: KnowledgeBase, fact: str, value):
    """A fact value as JSON: lists in the declared order of choices, dont_know as a word."""
    if value is DONT_KNOW:
        return DONT_KNOW_WORD
    if value is ABSENT or value is UNDECIDED:
        return None  # not applicable, or (in a branch of "I don't know") still undecided
    if isinstance(value, frozenset):
        order = kb.fact_values(fact)
        return sorted(value, key=lambda v: order.index(v) if v in order else len(order))
    if is_date(value):
        return value.isoformat()
    return value


def outcome_json(kb: KnowledgeBase, outcome: Outcome, lang: str = "sv") -> dict:
    data = {
        "module": outcome.module,
        "as_of": outcome.as_of.isoformat(),
        "kb_version": outcome.kb_version,
        "module_version": outcome.module_version,
        "complete": outcome.complete,
        "next_question": outcome.next_question,
        "conclusions": {f: plain(kb, f, v) for f, v in outcome.conclusions.items()},
        "recommendations": [{"id": rec.id, "rule": rule, "text": rec.text.get(lang)} for rule, rec in outcome.recommendations],
        "unused_answers": {f: plain(kb, f, v) for f, v in outcome.unused_answers.items()},
        "open_goals": list(outcome.open_goals),
        "not_answered": list(outcome.plan.not_answered),  # needed but left out of the file: taken as not applicable
        "trace": [{"rule": f.rule, "matched": {fact: plain(kb, fact, v) for fact, v in f.matched}} for f in outcome.trace],
    }
    u = outcome.uncertainty
    if u is not None:
        data["uncertainty"] = {
            "unknown_answers": list(u.unknowns),
            "firm": {g: plain(kb, g, v) for g, v in u.firm.items()},
            "conditional": {
                g: [
                    {"value": plain(kb, g, v), "if": [{f: plain(kb, f, x) for f, x in a.items()} for a in assumptions]}
                    for v, assumptions in options
                ]
                for g, options in u.conditional.items()
            },
            "key_unknowns": [f for f, _ in u.key_unknowns],
            "branches": u.branches,
            "truncated": u.truncated,
        }
    return data


def why_not_json(kb: KnowledgeBase, fact: str, value, blocked) -> dict:
    """Each rule that could have concluded `fact = value` and where it stopped."""
    from engine.conditions import describe

    return {
        "fact": fact,
        "value": plain(kb, fact, value),
        "rules": [
            {
                "rule": b.rule.id,
                "status": b.status,
                "condition": describe(b.at) if b.at else None,
                "actual": plain(kb, b.at.fact, b.actual) if b.at and b.status == "failed" else None,
            }
            for b in blocked
        ],
    }
