"""Read-only views of the knowledge base: the searchable browser and the pathway picture."""

from __future__ import annotations

from flask import current_app

from explanations import render
from webui.web import md_html


def _hit(query: str, *texts) -> bool:
    if not query:
        return True
    q = query.casefold()
    return any(q in (t or "").casefold() for t in texts)


def browse(kb, query: str, lang: str) -> dict:
    modules = []
    total = 0
    for m in kb.modules.values():
        questions = [
            (
                q.id,
                q.text.get(lang),
                q.help.get(lang) if q.help else "",
                md_html(render.cites(kb, q.sources, lang)) if q.sources else "",
            )
            for q in kb.questions.values()
            if q.module == m.id and _hit(query, q.id, q.text.sv, q.text.en, q.help.sv if q.help else "", q.help.en if q.help else "")
        ]
        conclusions = [
            (c.id, c.text.get(lang)) for c in kb.conclusions.values() if c.module == m.id and _hit(query, c.id, c.text.sv, c.text.en)
        ]
        rules = [
            (r.id, r.title.get(lang), r.because.get(lang), md_html(render.cites(kb, r.sources, lang)) if r.sources else "")
            for r in kb.rules.values()
            if r.module == m.id and _hit(query, r.id, r.title.sv, r.title.en, r.because.sv, r.because.en)
        ]
        total += len(questions) + len(conclusions) + len(rules)
        modules.append((m, questions, conclusions, rules))
    sources = [
        (s.id, s.title.get(lang), s.citation, s.url if (s.url or "").startswith(("https://", "http://")) else "")
        for s in kb.sources.values()
        if _hit(query, s.id, s.title.sv, s.title.en, s.citation)
    ]
    total += len(sources)
    return {"modules": modules, "sources": sources, "hits": total}


def pathway_views(consultation, lang: str) -> dict:
    """The pathway as SVG (highlighted from the pathway guide's result, if any) and as text."""
    from engine.errors import KnowledgeBaseError
    from engine.pathway import build_graph, load_pathway
    from explanations.pathway_view import NO_HIGHLIGHT, highlight_from_outcome, render_markdown, render_svg

    ws = current_app.extensions["vagvisare_ws"]
    pathway, problems = load_pathway(ws.kb.root)
    if pathway is None:
        raise KnowledgeBaseError(problems)
    highlight = highlight_from_outcome(consultation.compiled, consultation.outcome()) if consultation is not None else NO_HIGHLIGHT
    graph = build_graph(pathway)
    svg = render_svg(pathway, graph, lang, highlight)
    text_html = md_html(render_markdown(pathway, graph, ws.kb, lang, highlight))
    return {"svg": svg, "text_html": text_html}
