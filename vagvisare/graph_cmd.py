"""`vagvisare graph`: write the innovation-support pathway as SVG, GraphML, JSON or a text list.

With `--highlight ANSWERS.yaml` the answers are run through the pathway guide first (with
the results of other guides given by `--with`), and the user's current stage, the stages
the next steps lead to and the actors to contact are highlighted. Exit status: 0 success;
1 knowledge-base errors; 2 bad input.
"""

from __future__ import annotations

from pathlib import Path

import click

from engine.errors import AnswerError, KnowledgeBaseError
from engine.pathway import build_graph, load_pathway
from engine.problems import Problem
from engine.session import Workspace
from explanations.pathway_view import (
    NO_HIGHLIGHT,
    highlight_from_outcome,
    render_graphml,
    render_json,
    render_markdown,
    render_svg,
)
from vagvisare.cliutil import given_outcomes, read_answers

MODULE = "pathway"


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--format", "fmt", type=click.Choice(["svg", "graphml", "json", "markdown"]), default="svg", show_default=True, help="What to write."
)
@click.option("--highlight", "answers_file", metavar="ANSWERS.yaml", help="Answers to the pathway guide; highlights where you stand.")
@click.option("--with", "with_files", multiple=True, metavar="FILE", help="Answers files of other guides (mdr, ip) that the pathway reads.")
@click.option("--output", "output", metavar="FILE", help="Write to FILE instead of standard output.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="Language of texts.")
@click.option("--kb", "kb_dir", metavar="DIR", help="Knowledge-base root (default: the shipped one, or $VAGVISARE_KB).")
def graph(fmt: str, answers_file: str | None, with_files: tuple[str, ...], output: str | None, lang: str, kb_dir: str | None) -> None:
    """Draw the innovation-support pathway (stages, actors, next steps)."""
    ws = Workspace.open(kb_dir)
    pathway, problems = load_pathway(ws.kb.root)
    if pathway is None:
        raise KnowledgeBaseError(problems)
    highlight = NO_HIGHLIGHT
    if answers_file or with_files:
        outcome = ws.evaluate(
            MODULE,
            read_answers(answers_file) if answers_file else {},
            given=given_outcomes(ws, with_files, None),
            name=answers_file or "answers",
        )
        highlight = highlight_from_outcome(ws.module(MODULE), outcome)
    graph_ = build_graph(pathway)
    if fmt == "svg":
        text = render_svg(pathway, graph_, lang, highlight)
    elif fmt == "graphml":
        text = render_graphml(graph_, lang, highlight)
    elif fmt == "json":
        text = render_json(graph_, lang, highlight)
    else:
        text = render_markdown(pathway, graph_, ws.kb, lang, highlight)
    if not output:
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise AnswerError(
            Problem("--output", 0, f"cannot write {output} ({exc.strerror or exc})", "check that the folder exists and is writable")
        ) from None
