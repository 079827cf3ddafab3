"""What every command does the same way: open the knowledge base, read an answers file.

Problems are printed as `file:line: what — fix` and end the command with the documented
exit status (1 for knowledge-base errors, 2 for bad input), never with a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.answers import parse_answers
from engine.problems import AnswerError, KnowledgeBaseError
from engine.yamlfile import YamlError, read_yaml
from vagvisare.session import Workspace, open_workspace


def workspace_or_exit(kb_dir: str | None, engine: str | None = None) -> Workspace:
    try:
        return open_workspace(kb_dir, engine)
    except KnowledgeBaseError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("The knowledge base has errors; run 'vagvisare check' for the full list.", err=True)
        sys.exit(1)


def answers_or_exit(ws: Workspace, name: str, module: str) -> dict:
    """The validated answers of one answers file; exit 2 naming file and line if it is wrong."""
    try:
        raw = read_yaml(Path(name), name)
        return parse_answers(ws.kb, raw if raw is not None else {}, name, module)
    except YamlError as exc:
        click.echo(str(exc.problem), err=True)
    except AnswerError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
    sys.exit(2)
