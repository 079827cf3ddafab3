"""The innovation-support pathway: graph properties, checks, the drawing and the exports.

Random pathways (hypothesis) must keep the properties `vagvisare check` promises, and each
kind of broken pathway must be reported with its file and line. The shipped pathway must be
clean, its SVG well-formed with every stage label, and its GraphML must round-trip.
"""

from __future__ import annotations

import io
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.consultation import consult
from engine.loader import default_root, load
from engine.model import Origin, SourceRef, Text
from engine.pathway import (
    Actor,
    Edge,
    Pathway,
    Stage,
    Support,
    build_graph,
    check_pathway,
    highlight_path,
    load_pathway,
    stage_graph,
)
from explanations.pathway_view import (
    NO_HIGHLIGHT,
    highlight_from_outcome,
    render_graphml,
    render_json,
    render_markdown,
    render_svg,
)
from vagvisare.cli import main

SVG = "{http://www.w3.org/2000/svg}"
HERE = Origin("knowledge_base/pathway.yaml", 1)
CASES = Path(default_root()) / "rules" / "pathway" / "tests" / "cases.yaml"


def _text(word: str) -> Text:
    return Text(word, word)


def _stage(sid: str) -> Stage:
    return Stage(sid, _text(f"Stage {sid}"), _text("does"), _text("gate"), HERE)


A_SOURCE = (SourceRef("src"),)


def _actor(aid: str, stages: list[str], sources=A_SOURCE) -> Actor:
    supports = tuple(Support(s, None, None, HERE) for s in stages)
    return Actor(
        aid, _text(f"Actor {aid}"), "national", _text("o"), _text("f"), _text("c"), supports, tuple(sources), "2026-11-26", True, None, HERE
    )


@st.composite
def pathways(draw) -> Pathway:
    """A valid pathway: every stage after the first has a predecessor earlier in the list (so: a DAG reachable from the first)."""
    n = draw(st.integers(min_value=1, max_value=12))
    ids = [f"s{i}" for i in range(n)]
    edges = []
    for i in range(1, n):
        preds = draw(st.sets(st.integers(min_value=0, max_value=i - 1), min_size=1, max_size=min(3, i)))
        edges += [Edge(ids[p], ids[i], None, None, HERE) for p in sorted(preds)]
    actors = []
    for a in range(draw(st.integers(min_value=0, max_value=8))):
        stages = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))
        actors.append(_actor(f"a{a}", stages))
    return Pathway(tuple(_stage(s) for s in ids), tuple(edges), tuple(actors), (), "2026-11-26")


# --- properties of valid pathways -----------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(pathways())
def test_valid_pathways_pass_the_checks_and_keep_their_properties(pathway):
    assert check_pathway(pathway) == []
    graph = build_graph(pathway)
    stages = stage_graph(graph)
    assert nx.is_directed_acyclic_graph(stages)
    first = pathway.stages[0].id
    assert all(nx.has_path(stages, first, s.id) for s in pathway.stages)
    for node, data in graph.nodes(data=True):
        assert data["kind"] in ("stage", "actor") and data["label"].en
        if data["kind"] == "actor":
            assert graph.out_degree(node) >= 1, "an actor supports at least one stage"
    for u, v, data in graph.edges(data=True):
        assert data["kind"] == ("leads_to" if graph.nodes[u]["kind"] == "stage" else "supports")
        assert graph.nodes[v]["kind"] == "stage"


@settings(max_examples=150, deadline=None)
@given(pathways(), st.data())
def test_highlighted_path_starts_at_the_current_stage_and_follows_edges(pathway, data):
    graph = build_graph(pathway)
    ids = [s.id for s in pathway.stages]
    current = data.draw(st.sampled_from(ids))
    targets = data.draw(st.lists(st.sampled_from(ids), max_size=4))
    path = highlight_path(graph, current, targets)
    assert path[0] == current
    assert len(path) == len(set(path))
    stages = stage_graph(graph)
    for node in path[1:]:
        assert nx.has_path(stages, current, node)
    for target in targets:
        assert (target in path) == nx.has_path(stages, current, target)


# --- each kind of break is reported -----------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(pathways().filter(lambda p: len(p.stages) >= 2), st.data())
def test_a_cycle_among_the_stages_is_reported(pathway, data):
    ids = [s.id for s in pathway.stages]
    late = data.draw(st.integers(min_value=1, max_value=len(ids) - 1))
    back = Edge(ids[late], ids[0], None, None, Origin("knowledge_base/pathway.yaml", 7))
    problems = check_pathway(Pathway(pathway.stages, pathway.edges + (back,), pathway.actors, (), ""))
    assert any("lead back to themselves" in p.message for p in problems)


@settings(max_examples=60, deadline=None)
@given(pathways())
def test_an_unreachable_stage_an_orphan_actor_and_a_sourceless_actor_are_reported(pathway):
    lonely = Stage("lonely", _text("Lonely"), _text("d"), _text("g"), Origin("knowledge_base/pathway.yaml", 40))
    orphan = _actor("orphan", [])
    sourceless = _actor("sourceless", [pathway.stages[0].id], sources=())
    problems = check_pathway(Pathway(pathway.stages + (lonely,), pathway.edges, pathway.actors + (orphan, sourceless), (), ""))
    messages = {p.message for p in problems}
    assert "stage 'lonely' cannot be reached from the first stage 's0'" in messages
    assert "actor 'orphan' supports no stage" in messages
    assert "actor 'sourceless' has no source" in messages
    assert any(p.line == 40 for p in problems if "lonely" in p.message)


def test_edges_and_supports_naming_unknown_stages_are_reported():
    stages = (_stage("a"), _stage("b"))
    edges = (Edge("a", "b", None, None, HERE), Edge("a", "c", None, None, Origin("knowledge_base/pathway.yaml", 9)))
    pathway = Pathway(stages, edges, (_actor("x", ["b", "nowhere"]),), (), "")
    messages = [(p.line, p.message) for p in check_pathway(pathway)]
    assert (9, "edge a → c names unknown stage 'c'") in messages
    assert (1, "actor 'x' supports unknown stage 'nowhere'") in messages


BROKEN = """\
read: '2026-11-26'
stages:
  - id: start
    label: {sv: Start, en: Start}
    does: {sv: a, en: a}
    gate: {sv: b, en: b}
edges:
  - {from: start, to: finish}
actors:
  - id: helper
    label: {sv: Hjälpare, en: Helper}
    kind: national
    offers: {sv: a, en: a}
    for_whom: {sv: a, en: a}
    cost: {sv: a, en: a}
    supports: [start]
    sources: [{source: nosuch, pinpoint: x}]
    read: '2026-11-26'
    confirmed: false
"""


def test_vagvisare_check_reports_pathway_problems_with_file_and_line(tmp_path):
    (tmp_path / "knowledge_base").mkdir()
    (tmp_path / "knowledge_base" / "sources.yaml").write_text(
        textwrap.dedent("""\
        sources:
          - id: act
            title: {sv: En lag, en: An act}
            citation: SFS 1949:345
            version: '2024'
        """),
        encoding="utf-8",
    )
    (tmp_path / "knowledge_base" / "pathway.yaml").write_text(BROKEN, encoding="utf-8")
    _, problems = load(tmp_path, strict=False)
    found = {(p.file, p.line, p.message) for p in problems if p.file == "knowledge_base/pathway.yaml"}
    assert ("knowledge_base/pathway.yaml", 8, "edge start → finish names unknown stage 'finish'") in found
    assert ("knowledge_base/pathway.yaml", 10, "actor 'helper' is not confirmed but does not say what is unsure") in found
    assert ("knowledge_base/pathway.yaml", 10, "actor 'helper' cites unknown source 'nosuch'") in found


# --- the shipped pathway ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_pathway():
    pathway, problems = load_pathway(default_root())
    assert problems == []
    return pathway


def test_the_shipped_pathway_is_clean(shipped, shipped_pathway):
    assert check_pathway(shipped_pathway, shipped.kb) == []
    graph = build_graph(shipped_pathway)
    assert all(a.sources and a.as_of for a in shipped_pathway.actors)
    assert all(i.as_of for i in shipped_pathway.instruments)
    assert {d["kind"] for _, d in graph.nodes(data=True)} == {"stage", "actor"}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_svg_is_well_formed_and_holds_every_stage_label(shipped_pathway, lang):
    svg = render_svg(shipped_pathway, build_graph(shipped_pathway), lang)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    groups = {g.get("id"): " ".join(t.text or "" for t in g.iter(f"{SVG}text")) for g in root.iter(f"{SVG}g")}
    for number, stage in enumerate(shipped_pathway.stages, start=1):
        assert groups[f"stage-{stage.id}"] == f"{number}. {stage.label.get(lang)}"
    for actor in shipped_pathway.actors:
        assert actor.label.get(lang) in groups[f"actor-{actor.id}"].replace(" (?)", "")
    assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text


def test_graphml_round_trips_through_networkx(shipped_pathway):
    graph = build_graph(shipped_pathway)
    back = nx.read_graphml(io.BytesIO(render_graphml(graph, "en").encode("utf-8")))
    assert set(back.nodes) == set(graph.nodes)
    assert set(back.edges) == set(graph.edges)
    for node, data in graph.nodes(data=True):
        assert back.nodes[node]["kind"] == data["kind"]
        assert back.nodes[node]["label"] == data["label"].en
    for u, v, data in graph.edges(data=True):
        assert back.edges[u, v]["kind"] == data["kind"]


def _case(case_id: str) -> dict:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    return next(c for c in cases if c["id"] == case_id)


def test_answers_highlight_the_current_stage_next_steps_and_contacts(shipped, shipped_pathway):
    from engine.answers import parse_answers

    compiled = shipped.module("pathway")
    case = _case("pathway-umu-early")
    outcome = consult(compiled, parse_answers(shipped.kb, case["answers"], "case", "pathway"))
    highlight = highlight_from_outcome(compiled, outcome)
    assert highlight.current_stage == case["expected"]["pathway.current_stage"]
    assert highlight.steps[0].id == case["expected"]["pathway.first_step"]
    assert set(highlight.contacts) == set(case["expected"]["pathway.contact"])
    graph = build_graph(shipped_pathway)
    root = ET.fromstring(render_svg(shipped_pathway, graph, "en", highlight))
    groups = {g.get("id"): " ".join(t.text or "" for t in g.iter(f"{SVG}text")) for g in root.iter(f"{SVG}g")}
    assert "YOU ARE HERE" in groups[f"stage-{highlight.current_stage}"]
    for actor in highlight.contacts:
        assert "★" in groups[f"actor-{actor}"]
    untouched = {a.id for a in shipped_pathway.actors} - set(highlight.contacts)
    assert all("★" not in groups[f"actor-{a}"] for a in untouched)
    text = render_markdown(shipped_pathway, graph, shipped.kb, "en", highlight)
    assert text.index("## Next steps") < text.index("Protect the idea before you publish")
    exported = render_json(graph, "en", highlight)
    assert '"current_stage": "verification"' in exported
    assert render_json(graph, "en", NO_HIGHLIGHT).count('"highlight": ""') == graph.number_of_nodes()


def test_graph_command(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["graph", "--format", "svg", "--lang", "en"])
    assert result.exit_code == 0, result.output
    ET.fromstring(result.output)
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(_case("pathway-ltu-research")["answers"]), encoding="utf-8")
    out = tmp_path / "p.graphml"
    result = runner.invoke(main, ["graph", "--format", "graphml", "--highlight", str(answers), "--output", str(out)])
    assert result.exit_code == 0, result.output
    back = nx.read_graphml(out)
    assert back.nodes["assessment"]["highlight"] == "current"
    assert back.nodes["north_sweden_office"]["highlight"] == "contact"
    answers.write_text("pathway.affiliation: harvard\n", encoding="utf-8")
    result = runner.invoke(main, ["graph", "--highlight", str(answers)])
    assert result.exit_code == 2
    assert "not a choice of 'pathway.affiliation'" in result.output


def test_text_alternative_lists_every_funding_instrument_with_its_figures():
    kb, _ = load()
    pathway, _ = load_pathway(kb.root)
    text = render_markdown(pathway, build_graph(pathway), kb, "en")
    section = text.split("## Funding instruments", 1)[1]
    for ins in pathway.instruments:
        assert ins.label.en in section
        assert f"TRL {ins.trl[0]}–{ins.trl[1]}" in section
        assert f"figures as of {ins.as_of}" in section  # next to the amount and the source
        if not ins.confirmed:
            assert ins.unconfirmed.en in section
    assert section.count("(figures as of ") == 2 * len(pathway.instruments)


def test_check_warns_about_instrument_figures_older_than_18_months():
    import datetime as dt

    from engine.pathway import check_pathway

    kb, _ = load()
    pathway, _ = load_pathway(kb.root)
    assert not [p for p in check_pathway(pathway, kb, today=dt.date(2026, 12, 1)) if "18 months" in p.message]
    later = [p for p in check_pathway(pathway, kb, today=dt.date(2028, 7, 1)) if "more than 18 months ago" in p.message]
    assert later and all(p.severity == "warning" for p in later)


def test_an_unconfirmed_instrument_is_never_recommended_as_a_fit():
    kb, _ = load()
    pathway, _ = load_pathway(kb.root)
    unconfirmed = {i.id for i in pathway.instruments if not i.confirmed}
    for rule in kb.rules.values():
        assert not set(dict(rule.conclude).get("pathway.funding_fit", ())) & unconfirmed, rule.id
