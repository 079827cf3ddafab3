"""Conclusions with their explanations, as the result page shows them: for each goal the value,
the decisive chain of reasons and the full proof (explanations.explain and .render), and for a
goal that depends on "Don't know" answers, which value follows from which assumption. Used by
the advisor's idea page for the triage guide, so a priority is explained like every other
conclusion (template partial `_conclusions.html`)."""

from __future__ import annotations

from engine.session import Consultation
from explanations import render
from webui.web import data_value, md_html


def conclusions(cons: Consultation, lang: str) -> list[dict]:
    kb = cons.kb
    outcome = cons.outcome()
    goals = [g for g in cons.compiled.module.goals if g in outcome.conclusions]
    explained: set = set()
    rows = []
    for fact in goals + [f for f in outcome.conclusions if f not in goals]:
        value = outcome.conclusions[fact]
        how_html = proof_html = ""
        if fact in goals:
            explanation = cons.explain(fact)
            how_html = md_html(render.explanation_markdown(cons.compiled, explanation, lang))
            proof_html = md_html(render.proof_markdown(cons.compiled, explanation.proof, lang, explained))
        rows.append(
            {
                "fact": fact,
                "goal": fact in goals,
                "label": render.fact_text(kb, fact, lang),
                "value": render.value_text(kb, fact, value, lang),
                "data_value": data_value(kb, fact, value),
                "how_html": how_html,
                "proof_html": proof_html,
            }
        )
    return rows


def conditional(cons: Consultation, lang: str) -> list[tuple[str, list]]:
    """Per goal left open by "Don't know": (goal text, [(conditions, value text)])."""
    kb = cons.kb
    u = cons.outcome().uncertainty
    out = []
    if u is None or not u.conditional:
        return out
    for goal, options in u.conditional.items():
        rows = []
        for value, paths in options:
            for path in paths:
                conds = [(render.short_text(kb, f, lang), render.value_text(kb, f, v, lang)) for f, v in path.items()]
                rows.append((conds, render.value_text(kb, goal, value, lang)))
        out.append((render.fact_text(kb, goal, lang), rows))
    return out


def key_conclusions(cons: Consultation, lang: str) -> list[tuple[str, str, str]]:
    """The goals a guide reached, as (label, value text, data value), for an attached consultation."""
    kb = cons.kb
    outcome = cons.outcome()
    return [
        (render.fact_text(kb, g, lang), render.value_text(kb, g, outcome.conclusions[g], lang), data_value(kb, g, outcome.conclusions[g]))
        for g in cons.compiled.module.goals
        if g in outcome.conclusions
    ]
