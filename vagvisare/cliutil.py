"""What every command does the same way: read answers files safely, take other guides' results.

Reading is the CLI's job (the core does no IO); checking is the core's. Errors travel as
`engine.errors.VagvisareError` and are printed by `vagvisare.cli`, never as a traceback.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from engine.answers import MAX_ANSWERS_BYTES
from engine.consultation import Outcome
from engine.session import Workspace
from engine.yamlfile import decode, parse_yaml, read_bytes

STDIN = "-"


def read_answers(name: str):
    """The raw data of an answers file or partner table ('-' for standard input), within the
    limits for untrusted input."""
    if name == STDIN:
        text = decode(sys.stdin.buffer.read(MAX_ANSWERS_BYTES + 1), "<stdin>", MAX_ANSWERS_BYTES)
        name = "<stdin>"
    else:
        text = read_bytes(Path(name), name, MAX_ANSWERS_BYTES)
    raw = parse_yaml(text, name, MAX_ANSWERS_BYTES)
    return {} if raw is None else raw


def given_outcomes(ws: Workspace, files: tuple[str, ...], as_of: datetime.date | None) -> list[Outcome]:
    """The outcomes of other guides' answers files (`--with`), each guide found from its question ids."""
    outcomes = []
    for name in files:
        raw = read_answers(name)
        module = ws.module_of_answers(raw, name)
        outcomes.append(ws.evaluate(module, raw, as_of=as_of, name=name, explore_unknowns=False))
    return outcomes
