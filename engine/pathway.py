"""The innovation-support pathway: load `knowledge_base/pathway.yaml`, check it, build its graph.

The pathway is knowledge, not rules: the stages of an idea's journey, the actors that
support each stage and the funding instruments they offer. It is loaded into typed data
classes (with file:line for every problem) and turned into a networkx DiGraph:

    nodes  kind=stage | actor, label (sv/en), and for stages their column (`layer`)
    edges  kind=leads_to (stage → stage) | supports (actor → stage)

The checks say what `vagvisare check` promises: every edge names existing nodes, the
stages form a directed acyclic graph reachable from the first stage, every actor supports
at least one stage and names a source. With the loaded knowledge base, sources and the
facts read by edge conditions are checked too, and so are the choices of the guide's
conclusions that name stages, actors and instruments.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from engine.conditions import facts_in, parse_condition
from engine.model import Condition, KnowledgeBase, Origin, SourceRef, Text
from engine.problems import Problem, did_you_mean
from engine.reading import Reader, read_document
from engine.yamlfile import Located

PATHWAY_FILE = "knowledge_base/pathway.yaml"

ACTOR_KINDS = ("university", "incubator", "region", "municipality", "national", "eu")
APPLICANTS = ("university", "region", "municipality", "company", "founder")

#: Conclusions of the pathway guide whose choices must be nodes or instruments of the pathway.
NAMED_CHOICES = {
    "pathway.current_stage": "stage",
    "pathway.next_stages": "stage",
    "pathway.contact": "actor",
    "pathway.funding_fit": "instrument",
    "pathway.funding_unconfirmed": "instrument",
}

#: `vagvisare check` warns when an instrument's figures were read longer ago than this.
STALE_MONTHS = 18
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Stage:
    id: str
    label: Text
    does: Text
    gate: Text
    origin: Origin


@dataclass(frozen=True)
class Edge:
    """stage → stage, holding always or only under `condition` (text) / `applies_if` (facts)."""

    source: str
    target: str
    condition: Text | None
    applies_if: Condition | None
    origin: Origin


@dataclass(frozen=True)
class Support:
    """An actor supports a stage, always or only under a condition."""

    stage: str
    condition: Text | None
    applies_if: Condition | None
    origin: Origin


@dataclass(frozen=True)
class Actor:
    id: str
    label: Text
    kind: str
    offers: Text
    for_whom: Text
    cost: Text
    supports: tuple[Support, ...]
    sources: tuple[SourceRef, ...]
    as_of: str  # the date the description was read, YYYY-MM-DD
    confirmed: bool
    unconfirmed: Text | None
    origin: Origin


@dataclass(frozen=True)
class Instrument:
    id: str
    label: Text
    offered_by: str
    applicants: tuple[str, ...]
    who_may_apply: Text
    trl: tuple[int, int]
    amount: Text
    co_funding: Text
    rhythm: Text
    year: int  # the year of the call or page the figures come from
    as_of: str  # the date the figures were read, YYYY-MM-DD; shown to users as "figures as of"
    sources: tuple[SourceRef, ...]
    confirmed: bool
    unconfirmed: Text | None
    origin: Origin


@dataclass(frozen=True)
class Pathway:
    stages: tuple[Stage, ...]  # in file order; the first is where every idea starts
    edges: tuple[Edge, ...]
    actors: tuple[Actor, ...]
    instruments: tuple[Instrument, ...]
    read: str

    def stage(self, sid: str) -> Stage | None:
        return next((s for s in self.stages if s.id == sid), None)

    def actor(self, aid: str) -> Actor | None:
        return next((a for a in self.actors if a.id == aid), None)


# --- loading ---------------------------------------------------------------------------


def load_pathway(root: Path | str) -> tuple[Pathway | None, list[Problem]]:
    """Read the pathway file; (None, problems) when it is missing or unreadable."""
    path = Path(root) / PATHWAY_FILE
    problems: list[Problem] = []
    if not path.exists():
        return None, [Problem(PATHWAY_FILE, 0, "the pathway file is missing", "create it with 'stages:', 'edges:' and 'actors:'")]
    doc, reader = read_document(path, PATHWAY_FILE, problems)
    if doc is None or not reader.keys(doc, "the pathway file", ("stages", "edges", "actors"), ("instruments", "read")):
        return None, problems
    pathway = Pathway(
        stages=tuple(s for s in (_stage(reader, item, line) for line, item in reader.items(doc, "stages", "stages")) if s),
        edges=tuple(e for e in (_edge(reader, item, line) for line, item in reader.items(doc, "edges", "edges")) if e),
        actors=tuple(a for a in (_actor(reader, item, line) for line, item in reader.items(doc, "actors", "actors")) if a),
        instruments=tuple(
            i for i in (_instrument(reader, item, line) for line, item in reader.items(doc, "instruments", "instruments")) if i
        ),
        read=reader.string(doc, "read", "the pathway file"),
    )
    return pathway, problems


def _stage(reader: Reader, node, line: int) -> Stage | None:
    m = reader.mapping(node, "a stage", line)
    if m is None or not reader.keys(m, "a stage", ("id", "label", "does", "gate"), ()):
        return None
    what = f"stage '{m['id']}'"
    return Stage(
        id=str(m["id"]),
        label=reader.text(m, "label", what) or Text("", ""),
        does=reader.text(m, "does", what) or Text("", ""),
        gate=reader.text(m, "gate", what) or Text("", ""),
        origin=reader.origin(m),
    )


def _condition(reader: Reader, m: Located, what: str) -> tuple[Text | None, Condition | None]:
    text = reader.text(m, "condition", what, required=False)
    applies_if = parse_condition(reader, m["applies_if"], m.line_of("applies_if")) if "applies_if" in m else None
    if applies_if is not None and text is None:
        reader.problem(m.line_of("applies_if"), f"{what} has 'applies_if' but no 'condition' text", "say the condition in words (sv/en)")
    return text, applies_if


def _edge(reader: Reader, node, line: int) -> Edge | None:
    m = reader.mapping(node, "an edge", line)
    if m is None or not reader.keys(m, "an edge", ("from", "to"), ("condition", "applies_if")):
        return None
    what = f"edge {m['from']} → {m['to']}"
    text, applies_if = _condition(reader, m, what)
    return Edge(str(m["from"]), str(m["to"]), text, applies_if, reader.origin(m))


def _support(reader: Reader, node, line: int, actor: str) -> Support | None:
    if isinstance(node, str):
        return Support(node, None, None, Origin(reader.name, line))
    m = reader.mapping(node, f"a stage supported by actor '{actor}'", line)
    if m is None or not reader.keys(m, f"a stage supported by actor '{actor}'", ("stage",), ("condition", "applies_if")):
        return None
    text, applies_if = _condition(reader, m, f"actor '{actor}' → stage '{m['stage']}'")
    return Support(str(m["stage"]), text, applies_if, reader.origin(m))


def _confirmed(reader: Reader, m: Located, what: str) -> bool:
    value = m.get("confirmed")
    if not isinstance(value, bool):
        reader.problem(m.line_of("confirmed") if "confirmed" in m else m.line, f"{what} needs 'confirmed: true' or 'confirmed: false'", "")
        return False
    return value


def _as_of(reader: Reader, m: Located, what: str) -> str:
    """The required `as_of: 'YYYY-MM-DD'`: the date the facts were read."""
    if "as_of" not in m:
        reader.problem(m.line, f"{what} does not say when its facts were read", "add as_of: 'YYYY-MM-DD' (the date you read the source)")
        return ""
    value = str(m["as_of"])
    try:
        if not _DATE.match(value):
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        reader.problem(m.line_of("as_of"), f"'as_of' of {what} must be a date", "write it quoted as 'YYYY-MM-DD', e.g. as_of: '2026-12-01'")
        return ""
    return value


def _actor(reader: Reader, node, line: int) -> Actor | None:
    m = reader.mapping(node, "an actor", line)
    required = ("id", "label", "kind", "offers", "for_whom", "cost", "supports", "sources", "as_of", "confirmed")
    if m is None or not reader.keys(m, "an actor", required[:2], required[2:] + ("unconfirmed",)):
        return None
    aid = str(m["id"])
    what = f"actor '{aid}'"
    kind = str(m.get("kind", ""))
    if kind not in ACTOR_KINDS:
        reader.problem(m.line_of("kind"), f"unknown kind '{kind}' for {what}", did_you_mean(kind, ACTOR_KINDS) or ", ".join(ACTOR_KINDS))
    confirmed = _confirmed(reader, m, what)
    unconfirmed = reader.text(m, "unconfirmed", what, required=False)
    if not confirmed and unconfirmed is None:
        reader.problem(m.line, f"{what} is not confirmed but does not say what is unsure", "add 'unconfirmed:' with sv and en texts")
    as_of = _as_of(reader, m, what)
    supports = [_support(reader, item, sline, aid) for sline, item in reader.items(m, "supports", "stages")]
    return Actor(
        id=aid,
        label=reader.text(m, "label", what) or Text("", ""),
        kind=kind,
        offers=reader.text(m, "offers", what) or Text("", ""),
        for_whom=reader.text(m, "for_whom", what) or Text("", ""),
        cost=reader.text(m, "cost", what) or Text("", ""),
        supports=tuple(s for s in supports if s),
        sources=reader.source_refs(m, "sources", what),
        as_of=as_of,
        confirmed=confirmed,
        unconfirmed=unconfirmed,
        origin=reader.origin(m),
    )


def _instrument(reader: Reader, node, line: int) -> Instrument | None:
    m = reader.mapping(node, "an instrument", line)
    required = (
        "id",
        "label",
        "applicants",
        "who_may_apply",
        "trl",
        "amount",
        "co_funding",
        "rhythm",
        "year",
        "as_of",
        "sources",
        "confirmed",
    )
    if m is None or not reader.keys(m, "an instrument", required[:-3] + ("sources", "confirmed"), ("offered_by", "as_of", "unconfirmed")):
        return None
    what = f"instrument '{m['id']}'"
    as_of = _as_of(reader, m, what)
    confirmed = _confirmed(reader, m, what)
    unconfirmed = reader.text(m, "unconfirmed", what, required=False)
    if not confirmed and unconfirmed is None:
        reader.problem(m.line, f"{what} is not confirmed but does not say what is unsure", "add 'unconfirmed:' with sv and en texts")
    trl = m["trl"]
    if not (isinstance(trl, list) and len(trl) == 2 and all(isinstance(t, int) and 1 <= t <= 9 for t in trl) and trl[0] <= trl[1]):
        reader.problem(m.line_of("trl"), f"'trl' of {what} must be [lowest, highest] between 1 and 9", "write e.g. trl: [3, 6]")
        trl = [1, 9]
    year = m["year"]
    if isinstance(year, bool) or not isinstance(year, int):
        reader.problem(m.line_of("year"), f"'year' of {what} must be the year the figures are from", "write e.g. year: 2024")
        year = 0
    applicants = tuple(str(a) for a in m["applicants"] or ())
    for a in applicants:
        if a not in APPLICANTS:
            reader.problem(
                m.line_of("applicants"), f"unknown applicant type '{a}' in {what}", did_you_mean(a, APPLICANTS) or ", ".join(APPLICANTS)
            )
    return Instrument(
        id=str(m["id"]),
        label=reader.text(m, "label", what) or Text("", ""),
        offered_by=str(m.get("offered_by", "")),
        applicants=applicants,
        who_may_apply=reader.text(m, "who_may_apply", what) or Text("", ""),
        trl=(trl[0], trl[1]),
        amount=reader.text(m, "amount", what) or Text("", ""),
        co_funding=reader.text(m, "co_funding", what) or Text("", ""),
        rhythm=reader.text(m, "rhythm", what) or Text("", ""),
        year=year,
        as_of=as_of,
        sources=reader.source_refs(m, "sources", what),
        confirmed=confirmed,
        unconfirmed=unconfirmed,
        origin=reader.origin(m),
    )


# --- the graph -------------------------------------------------------------------------


def build_graph(pathway: Pathway) -> nx.DiGraph:
    """Stages and actors as nodes, leads_to and supports as edges (only to known nodes)."""
    graph = nx.DiGraph()
    for stage in pathway.stages:
        graph.add_node(stage.id, kind="stage", label=stage.label)
    for actor in pathway.actors:
        graph.add_node(actor.id, kind="actor", label=actor.label)
    stage_ids = {s.id for s in pathway.stages}
    for edge in pathway.edges:
        if edge.source in stage_ids and edge.target in stage_ids:
            graph.add_edge(edge.source, edge.target, kind="leads_to", condition=edge.condition)
    for actor in pathway.actors:
        for support in actor.supports:
            if support.stage in stage_ids:
                graph.add_edge(actor.id, support.stage, kind="supports", condition=support.condition)
    layers = stage_layers(graph)
    for node, layer in layers.items():
        graph.nodes[node]["layer"] = layer
    return graph


def stage_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """The stages and the leads_to edges between them."""
    stages = [n for n, d in graph.nodes(data=True) if d["kind"] == "stage"]
    view = nx.DiGraph()
    view.add_nodes_from((n, graph.nodes[n]) for n in stages)
    view.add_edges_from((u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "leads_to")
    return view


def stage_layers(graph: nx.DiGraph) -> dict[str, int]:
    """Column of each stage: its longest distance from a start (empty if the stages have a cycle)."""
    stages = stage_graph(graph)
    if not nx.is_directed_acyclic_graph(stages):
        return {}
    layers: dict[str, int] = {}
    for node in nx.topological_sort(stages):
        layers[node] = max((layers[p] + 1 for p in stages.predecessors(node)), default=0)
    return layers


def highlight_path(graph: nx.DiGraph, current: str, targets: list[str]) -> list[str]:
    """The stages to walk from `current` to each target that lies ahead, in order; always starts at `current`.

    Targets not reachable from `current` (e.g. a step back to protection) are not on the path;
    the view marks them on their own.
    """
    stages = stage_graph(graph)
    path = [current]
    for target in targets:
        if target == current or target not in stages or not nx.has_path(stages, current, target):
            continue
        for node in nx.shortest_path(stages, current, target)[1:]:
            if node not in path:
                path.append(node)
    return path


# --- checks ----------------------------------------------------------------------------


def months_between(earlier: str, later: dt.date) -> int:
    """Whole months from the date `earlier` (YYYY-MM-DD) to `later`."""
    start = dt.date.fromisoformat(earlier)
    return (later.year - start.year) * 12 + later.month - start.month - (later.day < start.day)


def check_pathway(pathway: Pathway, kb: KnowledgeBase | None = None, today: dt.date | None = None) -> list[Problem]:
    problems: list[Problem] = []
    today = today or dt.date.today()

    def report(origin: Origin, message: str, fix: str = "", severity: str = "error") -> None:
        problems.append(Problem(origin.file, origin.line, message, fix, severity))

    ids: dict[str, Origin] = {}
    for node in list(pathway.stages) + list(pathway.actors):
        if node.id in ids:
            report(node.origin, f"duplicate pathway id '{node.id}' (first at {ids[node.id]})", "give each stage and actor its own id")
        ids[node.id] = node.origin
    stage_ids = [s.id for s in pathway.stages]
    actor_ids = [a.id for a in pathway.actors]
    if not stage_ids:
        problems.append(Problem(PATHWAY_FILE, 0, "the pathway has no stages", "list the stages under 'stages:'"))
        return problems
    for edge in pathway.edges:
        for end in (edge.source, edge.target):
            if end not in stage_ids:
                report(edge.origin, f"edge {edge.source} → {edge.target} names unknown stage '{end}'", did_you_mean(end, stage_ids))
    for actor in pathway.actors:
        if not actor.supports:
            report(actor.origin, f"actor '{actor.id}' supports no stage", "list the stages it supports under 'supports:'")
        for support in actor.supports:
            if support.stage not in stage_ids:
                report(
                    support.origin, f"actor '{actor.id}' supports unknown stage '{support.stage}'", did_you_mean(support.stage, stage_ids)
                )
        if not actor.sources:
            report(actor.origin, f"actor '{actor.id}' has no source", "add '- {source: id, pinpoint: …}' under 'sources:'")
    for inst in pathway.instruments:
        if inst.offered_by and inst.offered_by not in actor_ids:
            report(
                inst.origin,
                f"instrument '{inst.id}' is offered by unknown actor '{inst.offered_by}'",
                did_you_mean(inst.offered_by, actor_ids),
            )
        if not inst.sources:
            report(inst.origin, f"instrument '{inst.id}' has no source", "add a source")
        if inst.as_of and months_between(inst.as_of, today) > STALE_MONTHS:
            report(
                inst.origin,
                f"the figures of instrument '{inst.id}' were read on {inst.as_of}, more than {STALE_MONTHS} months ago",
                "read the current call and update the figures and 'as_of', or set 'confirmed: false'",
                "warning",
            )
        if inst.confirmed and inst.as_of and months_between(f"{inst.year}-12-31", dt.date.fromisoformat(inst.as_of)) > STALE_MONTHS:
            report(
                inst.origin,
                f"instrument '{inst.id}' is confirmed but its figures are from {inst.year}, more than {STALE_MONTHS} months before they were read",
                "find the current call and update 'year', or set 'confirmed: false' with 'unconfirmed:'",
                "warning",
            )
    graph = build_graph(pathway)
    stages = stage_graph(graph)
    if not nx.is_directed_acyclic_graph(stages):
        cycle = " → ".join(u for u, _ in nx.find_cycle(stages))
        problems.append(
            Problem(PATHWAY_FILE, 0, f"the stages lead back to themselves: {cycle}", "stages must form a directed acyclic graph")
        )
    first = stage_ids[0]
    unreachable = [s for s in stage_ids if s != first and not nx.has_path(stages, first, s)]
    for sid in unreachable:
        report(pathway.stage(sid).origin, f"stage '{sid}' cannot be reached from the first stage '{first}'", "add an edge leading to it")
    if kb is not None:
        problems.extend(_check_against_kb(pathway, kb))
    return problems


def _check_against_kb(pathway: Pathway, kb: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = []
    facts = list(kb.questions) + list(kb.conclusions)

    def report(origin: Origin, message: str, fix: str = "") -> None:
        problems.append(Problem(origin.file, origin.line, message, fix))

    def check_refs(refs, origin, what):
        for ref in refs:
            if ref.source not in kb.sources:
                report(
                    origin,
                    f"{what} cites unknown source '{ref.source}'",
                    did_you_mean(ref.source, kb.sources) or "add it to knowledge_base/sources/",
                )

    def check_condition(cond, origin, what):
        for fact in facts_in(cond):
            if fact not in facts:
                report(origin, f"{what} reads unknown fact '{fact}'", did_you_mean(fact, facts) or "name a question or conclusion")

    for actor in pathway.actors:
        check_refs(actor.sources, actor.origin, f"actor '{actor.id}'")
        for support in actor.supports:
            check_condition(support.applies_if, support.origin, f"actor '{actor.id}' → '{support.stage}'")
    for inst in pathway.instruments:
        check_refs(inst.sources, inst.origin, f"instrument '{inst.id}'")
    unconfirmed = {i.id for i in pathway.instruments if not i.confirmed}
    for rule in kb.rules.values():
        fit = dict(rule.conclude).get("pathway.funding_fit")
        for inst in sorted(set(fit or ()) & unconfirmed):
            report(
                rule.origin,
                f"rule '{rule.id}' recommends instrument '{inst}' as a fit, but the instrument is not confirmed",
                "conclude it under 'pathway.funding_unconfirmed' instead, or confirm the instrument",
            )
    for edge in pathway.edges:
        check_condition(edge.applies_if, edge.origin, f"edge {edge.source} → {edge.target}")
    known = {
        "stage": [s.id for s in pathway.stages],
        "actor": [a.id for a in pathway.actors],
        "instrument": [i.id for i in pathway.instruments],
    }
    for fact, kind in NAMED_CHOICES.items():
        decl = kb.conclusions.get(fact)
        for value in decl.values if decl else ():
            if value not in known[kind]:
                report(
                    decl.origin,
                    f"choice '{value}' of '{fact}' is not a {kind} of the pathway",
                    did_you_mean(value, known[kind]) or f"add the {kind} to {PATHWAY_FILE}",
                )
    return problems


def validate_pathway(root: Path | str, kb: KnowledgeBase | None = None) -> list[Problem]:
    """Every problem of the pathway file, for `vagvisare check`."""
    pathway, problems = load_pathway(root)
    if pathway is None:
        return problems
    return problems + check_pathway(pathway, kb)
