"""`vagvisare graph`: write the innovation-support pathway as SVG, GraphML, JSON or a text list.

With `--highlight ANSWERS.yaml` the answers are run through the pathway guide first, and the
user's current stage, the stages the next steps lead to and the actors to contact are
highlighted. Exit status: 0 success; 1 knowledge-base errors; 2 bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.consultation import consult
from engine.pathway import build_graph, load_pathway
from explanations.pathway_view import (
    NO_HIGHLIGHT,
    highlight_from_outcome,
    render_graphml,
    render_json,
    render_markdown,
    render_svg,
)
from vagvisare.cliutil import answers_or_exit, workspace_or_exit

MODULE = "pathway"


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["svg", "graphml", "json", "markdown"]), default="svg", show_default=True, help="What to write."
)
@click.option("--highlight", "answers_file", metavar="ANSWERS.yaml", help="Answers to the pathway guide; highlights where you stand.")
@click.option("--output", "output", metavar="FILE", help="Write to FILE instead of standard output.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="Language of texts.")
@click.option("--kb", "kb_dir", metavar="DIR", help="Knowledge-base root (default: the shipped one, or $VAGVISARE_KB).")
def graph(fmt: str, answers_file: str | None, output: str | None, lang: str, kb_dir: str | None) -> None:
    """Draw the innovation-support pathway (stages, actors, next steps)."""
    ws = workspace_or_exit(kb_dir)
    pathway, problems = load_pathway(ws.kb.root)
    if pathway is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    highlight = NO_HIGHLIGHT
    if answers_file:
        if MODULE not in ws.kb.modules:
            click.echo(f"the knowledge base has no '{MODULE}' module to read the answers with", err=True)
            sys.exit(2)
        answers = answers_or_exit(ws, answers_file, MODULE)
        compiled = ws.module(MODULE)
        outcome = consult(compiled, answers, explore_unknowns=False, close_unanswered=True)  # a file is a finished set of answers
        highlight = highlight_from_outcome(compiled, outcome)
    graph_ = build_graph(pathway)
    if fmt == "svg":
        text = render_svg(pathway, graph_, lang, highlight)
    elif fmt == "graphml":
        text = render_graphml(graph_, lang, highlight)
    elif fmt == "json":
        text = render_json(graph_, lang, highlight)
    else:
        text = render_markdown(pathway, graph_, ws.kb, lang, highlight)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
