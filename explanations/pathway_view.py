"""Draw the innovation-support pathway: an SVG picture, a text alternative, GraphML and JSON.

Everything here is presentation over the graph of `engine.pathway` (and, when the user has
answered the pathway guide, over its outcome). The picture is made for print in black and
white: stages are boxes in columns from left to right (columns are the layers of the stage
DAG), the actors that support a stage stand below it, and highlighting uses line weight,
double borders and words ("YOU ARE HERE", "NEXT", "CONTACT"), never colour alone.
The text alternative lists the same stages, actors and next steps for screen readers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from statistics import median_low
from xml.sax.saxutils import escape

import networkx as nx

from engine.compiler import CompiledModule
from engine.consultation import Outcome
from engine.model import KnowledgeBase, Text
from engine.pathway import Pathway, highlight_path, stage_graph
from explanations.messages import msg

# --- what to highlight -------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A recommended next step: its label and the recommendation texts that explain it."""

    id: str
    label: Text
    texts: tuple[Text, ...]


@dataclass(frozen=True)
class Highlight:
    current_stage: str | None
    next_stages: tuple[str, ...]
    contacts: tuple[str, ...]
    steps: tuple[Step, ...]  # the first step first


NO_HIGHLIGHT = Highlight(None, (), (), ())


def highlight_from_outcome(compiled: CompiledModule, outcome: Outcome) -> Highlight:
    """Read the pathway guide's conclusions into what the picture and the list highlight."""
    kb = compiled.kb
    found = outcome.conclusions
    step_ids = sorted(found.get("pathway.next_steps", frozenset()), key=kb.fact_values("pathway.next_steps").index)
    first = found.get("pathway.first_step")
    if first in step_ids:
        step_ids.remove(first)
        step_ids.insert(0, first)
    texts: dict[str, list[Text]] = {s: [] for s in step_ids}
    for rule_id, rec in outcome.recommendations:
        for value in dict(compiled.rules[rule_id].conclude).get("pathway.next_steps", ()):
            if value in texts and rec.text not in texts[value]:
                texts[value].append(rec.text)
    labels = {c.id: c.label for c in kb.conclusions["pathway.next_steps"].choices} if "pathway.next_steps" in kb.conclusions else {}
    return Highlight(
        current_stage=found.get("pathway.current_stage"),
        next_stages=tuple(sorted(found.get("pathway.next_stages", ()))),
        contacts=tuple(sorted(found.get("pathway.contact", ()))),
        steps=tuple(Step(s, labels.get(s, Text(s, s)), tuple(texts[s])) for s in step_ids),
    )


# --- layout ------------------------------------------------------------------------------

COLUMN_WIDTH = 200
BOX_WIDTH = 178
STAGE_HEIGHT = 62
STAGE_GAP = 78  # vertical distance between two stages sharing a column
LINE = 13  # line height of actor text
MARGIN = 24
TOP = 150  # room above the stage row for the title and arcs of long edges
WRAP = 22  # characters per line in a box


@dataclass(frozen=True)
class Box:
    node: str
    x: float
    y: float
    width: float
    height: float


def layout(graph: nx.DiGraph, lang: str) -> dict[str, Box]:
    """Stages in columns by their layer in the stage DAG; each actor below the median column of the stages it supports."""
    stages = [n for n, d in graph.nodes(data=True) if d["kind"] == "stage"]
    columns: dict[int, list[str]] = {}
    for node in stages:
        columns.setdefault(graph.nodes[node]["layer"], []).append(node)
    slots = max((len(v) for v in columns.values()), default=1)
    boxes: dict[str, Box] = {}
    for layer, nodes in columns.items():
        for slot, node in enumerate(nodes):
            boxes[node] = Box(node, MARGIN + layer * COLUMN_WIDTH, TOP + slot * STAGE_GAP, BOX_WIDTH, STAGE_HEIGHT)
    actor_top = TOP + (slots - 1) * STAGE_GAP + STAGE_HEIGHT + 70
    stacked: dict[int, float] = {}
    for node, column in _actor_columns(graph).items():
        height = LINE * (len(_wrap(actor_name(graph.nodes[node]["label"].get(lang), True, True))) + 1) + 14
        y = stacked.get(column, actor_top)
        boxes[node] = Box(node, MARGIN + column * COLUMN_WIDTH, y, BOX_WIDTH, height)
        stacked[column] = y + height + 12
    return boxes


def _actor_columns(graph: nx.DiGraph) -> dict[str, int]:
    """Put each actor under one of the stages it supports: near the middle of them, in the least crowded column.

    Actors with the fewest choices are placed first, so that the flexible ones fill the gaps.
    """
    choices = {n: sorted(graph.nodes[s]["layer"] for _, s in graph.out_edges(n)) for n, d in graph.nodes(data=True) if d["kind"] == "actor"}
    crowd: dict[int, int] = {}
    placed: dict[str, int] = {}
    for node in sorted(choices, key=lambda n: (len(choices[n]), list(choices).index(n))):
        layers = choices[node] or [0]
        middle = median_low(layers)
        column = min(dict.fromkeys(layers), key=lambda c: (crowd.get(c, 0), abs(c - middle)))
        placed[node] = column
        crowd[column] = crowd.get(column, 0) + 1
    return {n: placed[n] for n in choices}  # keep the knowledge-base order within a column


def actor_name(label: str, contact: bool, unconfirmed: bool) -> str:
    return ("★ " if contact else "") + label + (" (?)" if unconfirmed else "")


def _wrap(text: str, width: int = WRAP) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


# --- SVG ---------------------------------------------------------------------------------


def word(key: str, lang: str) -> str:
    """A fixed phrase of the pathway views (kept with every other phrase in messages.py)."""
    return msg(f"pathway_{key}", lang)


def stage_numbers(pathway: Pathway) -> dict[str, int]:
    return {s.id: i + 1 for i, s in enumerate(pathway.stages)}


def render_svg(pathway: Pathway, graph: nx.DiGraph, lang: str = "sv", highlight: Highlight = NO_HIGHLIGHT) -> str:
    """The whole pathway as a standalone SVG document (UTF-8 text)."""
    boxes = layout(graph, lang)
    numbers = stage_numbers(pathway)
    path = highlight_path(graph, highlight.current_stage, list(highlight.next_stages)) if highlight.current_stage in boxes else []
    on_path = set(zip(path, path[1:])) | {(u, v) for u, v in stage_graph(graph).edges() if u in path and v in path}
    conditional = [(u, v, d["condition"]) for u, v, d in graph.edges(data=True) if d["kind"] == "leads_to" and d["condition"]]
    width = max(b.x + b.width for b in boxes.values()) + MARGIN
    body_bottom = max(b.y + b.height for b in boxes.values())
    legend = [
        word(k, lang)
        for k in (
            "legend_stage",
            "legend_actor",
            "legend_here",
            "legend_next",
            "legend_contact",
            "legend_path",
            "legend_dashed",
            "legend_unconfirmed",
        )
    ]
    notes = [f"* {numbers[u]} → {numbers[v]}: {cond.get(lang)}" for u, v, cond in conditional]
    notes += [
        f"* {graph.nodes[u]['label'].get(lang)} → {numbers[v]}: {d['condition'].get(lang)}"
        for u, v, d in graph.edges(data=True)
        if d["kind"] == "supports" and d["condition"]
    ]
    height = body_bottom + 40 + LINE * (len(legend) + len(notes) + 3)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        'role="img" aria-labelledby="pathway-title pathway-desc" font-family="DejaVu Sans, Arial, sans-serif">',
        f'<title id="pathway-title">{escape(word("title", lang))}</title>',
        f'<desc id="pathway-desc">{escape(_description(pathway, lang, highlight))}</desc>',
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#000"/></marker>'
        '<marker id="arrow-grey" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
        "</defs>",
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#fff"/>',
        f'<text x="{MARGIN}" y="30" font-size="18" font-weight="bold">{escape(word("title", lang))}</text>',
    ]
    out += _edges(graph, boxes, on_path, numbers)
    for node, data in graph.nodes(data=True):
        box = boxes[node]
        if data["kind"] == "stage":
            out += _stage_box(
                box, numbers[node], data["label"].get(lang), node == highlight.current_stage, node in highlight.next_stages, lang
            )
        else:
            actor = pathway.actor(node)
            stages = [
                f"{numbers[s]}{'*' if d['condition'] else ''}"
                for _, s, d in sorted(graph.out_edges(node, data=True), key=lambda e: numbers[e[1]])
            ]
            out += _actor_box(box, data["label"].get(lang), stages, node in highlight.contacts, not actor.confirmed, lang)
    y = body_bottom + 36
    for line in legend:
        out.append(f'<text x="{MARGIN}" y="{y}" font-size="11">{escape(line)}</text>')
        y += LINE
    if notes:
        y += LINE
        out.append(f'<text x="{MARGIN}" y="{y}" font-size="11" font-weight="bold">{escape(word("conditions", lang))}</text>')
        for note in notes:
            y += LINE
            out.append(f'<text x="{MARGIN}" y="{y}" font-size="11">{escape(note)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _edges(graph: nx.DiGraph, boxes: dict[str, Box], on_path: set, numbers: dict[str, int]) -> list[str]:
    out = []
    for index, (u, v, data) in enumerate(sorted(graph.edges(data=True), key=lambda e: (numbers.get(e[0], 0), numbers.get(e[1], 0)))):
        if data["kind"] != "leads_to":
            continue
        a, b = boxes[u], boxes[v]
        bold = (u, v) in on_path
        style = (
            'stroke="#000" stroke-width="3" marker-end="url(#arrow)"'
            if bold
            else 'stroke="#555" stroke-width="1.3" marker-end="url(#arrow-grey)"'
        )
        dash = ' stroke-dasharray="6,4"' if data["condition"] else ""
        x1, y1 = a.x + a.width, a.y + a.height / 2
        x2, y2 = b.x, b.y + b.height / 2
        span = graph.nodes[v]["layer"] - graph.nodes[u]["layer"]
        if span <= 1:
            d = f"M{x1:.0f},{y1:.0f} C{x1 + 14:.0f},{y1:.0f} {x2 - 14:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        else:  # long edges arc over the stage row (from the top slot) or under it (from lower slots)
            above = a.y == min(bx.y for bx in boxes.values() if graph.nodes[bx.node]["kind"] == "stage")
            lift = 26 + (index % 4) * 12
            ya = (a.y - lift) if above else (a.y + a.height + lift)
            yb = (b.y - lift) if above else (b.y + b.height + lift)
            sx, sy = (a.x + a.width - 20, a.y) if above else (a.x + a.width - 20, a.y + a.height)
            ex, ey = (b.x + 10, b.y) if above else (b.x + 10, b.y + b.height)
            d = f"M{sx:.0f},{sy:.0f} C{sx:.0f},{ya:.0f} {ex:.0f},{yb:.0f} {ex:.0f},{ey:.0f}"
            x1, y1 = sx, min(ya, yb) if above else max(ya, yb)
        out.append(f'<path d="{d}" fill="none" {style}{dash}/>')
        if data["condition"]:
            mx = (x1 + (b.x + 10 if span > 1 else x2)) / 2
            my = (y1 + y2) / 2 - 8 if span <= 1 else y1 + (-4 if y1 < a.y else 12)
            out.append(f'<text x="{mx:.0f}" y="{my:.0f}" font-size="13" font-weight="bold" text-anchor="middle">*</text>')
    return out


def _stage_box(box: Box, number: int, label: str, here: bool, ahead: bool, lang: str) -> list[str]:
    out = [f'<g id="stage-{escape(box.node)}">']
    stroke = 4 if here else 1.6
    out.append(
        f'<rect x="{box.x}" y="{box.y}" width="{box.width}" height="{box.height}" rx="3" fill="#fff" stroke="#000" stroke-width="{stroke}"/>'
    )
    if ahead:
        out.append(
            f'<rect x="{box.x + 4}" y="{box.y + 4}" width="{box.width - 8}" height="{box.height - 8}" rx="2" fill="none" stroke="#000" stroke-width="1.2"/>'
        )
    lines = _wrap(f"{number}. {label}", 19)
    for i, line in enumerate(lines[:3]):
        y = box.y + box.height / 2 + (i - (len(lines[:3]) - 1) / 2) * 15 + 5
        out.append(
            f'<text x="{box.x + box.width / 2}" y="{y:.0f}" font-size="13" font-weight="bold" text-anchor="middle">{escape(line)}</text>'
        )
    tags = [word("here", lang)] if here else []
    tags += [word("next", lang)] if ahead else []
    if tags:
        out.append(
            f'<text x="{box.x + box.width / 2}" y="{box.y - 6}" font-size="11" font-weight="bold" text-anchor="middle" letter-spacing="1">'
            f"{escape(' · '.join(tags))}</text>"
        )
    out.append("</g>")
    return out


def _actor_box(box: Box, label: str, stages: list[str], contact: bool, unconfirmed: bool, lang: str) -> list[str]:
    out = [f'<g id="actor-{escape(box.node)}">']
    dash = "" if contact else ' stroke-dasharray="3,2"'
    out.append(
        f'<rect x="{box.x}" y="{box.y}" width="{box.width}" height="{box.height}" rx="9" fill="#fff" stroke="#000" '
        f'stroke-width="{3 if contact else 0.8}"{dash}/>'
    )
    lines = _wrap(actor_name(label, contact, unconfirmed))
    for i, line in enumerate(lines):
        weight = "bold" if contact else "normal"
        out.append(f'<text x="{box.x + 8}" y="{box.y + 16 + i * LINE}" font-size="11" font-weight="{weight}">{escape(line)}</text>')
    out.append(
        f'<text x="{box.x + 8}" y="{box.y + 16 + len(lines) * LINE}" font-size="10" font-style="italic">'
        f"{escape(word('stages', lang))}: {', '.join(stages)}</text>"
    )
    if contact:
        out.append(
            f'<text x="{box.x + box.width - 6}" y="{box.y - 4}" font-size="9" font-weight="bold" text-anchor="end">{word("contact", lang)}</text>'
        )
    out.append("</g>")
    return out


def _description(pathway: Pathway, lang: str, highlight: Highlight) -> str:
    stages = ", ".join(f"{i + 1}. {s.label.get(lang)}" for i, s in enumerate(pathway.stages))
    text = f"{word('stage_list', lang)}: {stages}."
    current = pathway.stage(highlight.current_stage) if highlight.current_stage else None
    if current:
        text += f" {word('where', lang)}: {current.label.get(lang)}."
    if highlight.contacts:
        names = ", ".join(pathway.actor(a).label.get(lang) for a in highlight.contacts if pathway.actor(a))
        text += f" {word('contact_list', lang)}: {names}."
    return text


# --- text alternative ---------------------------------------------------------------------


def _md(text: str) -> str:
    """Keep knowledge-base text from being read as Markdown or HTML."""
    text = escape(text)
    for ch in "\\`*_[]#":
        text = text.replace(ch, "\\" + ch)
    return text


def render_markdown(pathway: Pathway, graph: nx.DiGraph, kb: KnowledgeBase, lang: str = "sv", highlight: Highlight = NO_HIGHLIGHT) -> str:
    """The same stages, actors and next steps as the picture, as an accessible Markdown list."""
    numbers = stage_numbers(pathway)
    lines = [f"# {_md(word('title', lang))}", ""]
    current = pathway.stage(highlight.current_stage) if highlight.current_stage else None
    if current:
        lines += [
            f"## {word('where', lang)}",
            "",
            f"{numbers[current.id]}. **{_md(current.label.get(lang))}** – {_md(current.does.get(lang))}",
            "",
        ]
    if highlight.steps:
        lines += [f"## {word('next_steps', lang)}", ""]
        for i, step in enumerate(highlight.steps):
            head = f"{i + 1}. **{_md(step.label.get(lang))}**" + (f" ({word('first_step', lang).lower()})" if i == 0 else "")
            lines.append(head)
            lines += [f"   - {_md(t.get(lang))}" for t in step.texts]
        lines.append("")
    if highlight.contacts:
        lines += [f"## {word('contact_list', lang)}", ""]
        lines += [f"- {_md(pathway.actor(a).label.get(lang))}" for a in highlight.contacts if pathway.actor(a)]
        lines.append("")
    lines += [f"## {word('stage_list', lang)}", ""]
    for stage in pathway.stages:
        tags = [word("here", lang)] if stage.id == highlight.current_stage else []
        tags += [word("next", lang)] if stage.id in highlight.next_stages else []
        tag = f" ({', '.join(tags)})" if tags else ""
        lines.append(f"{numbers[stage.id]}. **{_md(stage.label.get(lang))}**{tag} – {_md(stage.does.get(lang))}")
        ahead = []
        for _, target, data in sorted(graph.out_edges(stage.id, data=True), key=lambda e: numbers[e[1]]):
            if data["kind"] == "leads_to":
                cond = f" ({_md(data['condition'].get(lang))})" if data["condition"] else ""
                ahead.append(f"{numbers[target]}. {_md(pathway.stage(target).label.get(lang))}{cond}")
        if ahead:
            lines.append(f"   - {word('leads_to', lang)}: {'; '.join(ahead)}")
        helpers = sorted(
            _md(pathway.actor(a).label.get(lang)) + (f" ({_md(d['condition'].get(lang))})" if d["condition"] else "")
            for a, _, d in graph.in_edges(stage.id, data=True)
            if graph.nodes[a]["kind"] == "actor"
        )
        if helpers:
            lines.append(f"   - {word('supported_by', lang)}: {', '.join(helpers)}")
    lines += ["", f"## {word('actor_list', lang)}", ""]
    for actor in pathway.actors:
        star = "★ " if actor.id in highlight.contacts else ""
        lines.append(f"- {star}**{_md(actor.label.get(lang))}** – {word('offers', lang)}: {_md(actor.offers.get(lang))}")
        lines.append(f"  - {word('for_whom', lang)}: {_md(actor.for_whom.get(lang))}; {word('cost', lang)}: {_md(actor.cost.get(lang))}")
        lines.append(f"  - {word('source', lang)}: {_md_sources(kb, actor.sources)} ({word('as_of', lang)} {_md(actor.as_of)})")
        if actor.unconfirmed:
            lines.append(f"  - {word('unconfirmed', lang)}: {_md(actor.unconfirmed.get(lang))}")
    lines += ["", f"## {word('instrument_list', lang)}", ""]
    for ins in pathway.instruments:
        mark = "" if ins.confirmed else " (?)"
        offered = pathway.actor(ins.offered_by)
        by = f" – {_md(offered.label.get(lang))}" if offered else ""
        lines.append(f"- **{_md(ins.label.get(lang))}**{mark}{by}")
        lines.append(f"  - {word('who_may_apply', lang)}: {_md(ins.who_may_apply.get(lang))}; TRL {ins.trl[0]}–{ins.trl[1]}")
        lines.append(
            f"  - {word('amount', lang)}: {_md(ins.amount.get(lang))} ({word('figures_as_of', lang)} {_md(ins.as_of)}); "
            f"{word('co_funding', lang)}: {_md(ins.co_funding.get(lang))}"
        )
        lines.append(f"  - {word('rhythm', lang)}: {_md(ins.rhythm.get(lang))}")
        lines.append(f"  - {word('source', lang)}: {_md_sources(kb, ins.sources)} ({word('figures_as_of', lang)} {_md(ins.as_of)})")
        if ins.unconfirmed:
            lines.append(f"  - {word('unconfirmed', lang)}: {_md(ins.unconfirmed.get(lang))}")
    return "\n".join(lines) + "\n"


def _md_sources(kb: KnowledgeBase, refs) -> str:
    """Sources as Markdown links with their pinpoints."""
    out = []
    for ref in refs:
        source = kb.sources.get(ref.source)
        name = source.citation if source else ref.source
        link = f"[{_md(name)}]({source.url})" if source and source.url else _md(name)
        out.append(link + (f", {_md(ref.pinpoint)}" if ref.pinpoint else ""))
    return "; ".join(out)


# --- exports -----------------------------------------------------------------------------


def plain_graph(graph: nx.DiGraph, lang: str = "sv", highlight: Highlight = NO_HIGHLIGHT) -> nx.DiGraph:
    """A copy with only text/number attributes (GraphML and JSON cannot hold Text objects)."""
    plain = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        attrs = {"kind": data["kind"], "label": data["label"].get(lang), "label_sv": data["label"].sv, "label_en": data["label"].en}
        if "layer" in data:
            attrs["layer"] = data["layer"]
        attrs["highlight"] = (
            "current"
            if node == highlight.current_stage
            else "next"
            if node in highlight.next_stages
            else "contact"
            if node in highlight.contacts
            else ""
        )
        plain.add_node(node, **attrs)
    for u, v, data in graph.edges(data=True):
        cond = data.get("condition")
        plain.add_edge(u, v, kind=data["kind"], condition=cond.get(lang) if cond else "")
    return plain


def render_graphml(graph: nx.DiGraph, lang: str = "sv", highlight: Highlight = NO_HIGHLIGHT) -> str:
    return "\n".join(nx.generate_graphml(plain_graph(graph, lang, highlight))) + "\n"


def render_json(graph: nx.DiGraph, lang: str = "sv", highlight: Highlight = NO_HIGHLIGHT) -> str:
    data = nx.node_link_data(plain_graph(graph, lang, highlight), edges="edges")
    if highlight.current_stage:
        data["graph"] = {
            "current_stage": highlight.current_stage,
            "path": highlight_path(graph, highlight.current_stage, list(highlight.next_stages)),
            "next_stages": list(highlight.next_stages),
            "contacts": list(highlight.contacts),
            "next_steps": [s.id for s in highlight.steps],
        }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
