"""Load the knowledge base and compile modules for a command or a web request.

One place decides where the knowledge base lives and which backend runs, so the CLI, the
web UI and the tests do it the same way. Nothing is cached globally: a caller keeps the
`Workspace` it gets for as long as it needs it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from engine.backends import DEFAULT_BACKEND
from engine.compiler import CompiledModule, compile_module
from engine.loader import default_root, load
from engine.model import KnowledgeBase
from engine.problems import Problem


@dataclass
class Workspace:
    kb: KnowledgeBase
    problems: list[Problem]
    backend: str = DEFAULT_BACKEND
    _compiled: dict = field(default_factory=dict)

    def module(self, module_id: str) -> CompiledModule:
        if module_id not in self._compiled:
            self._compiled[module_id] = compile_module(self.kb, module_id, self.backend)
        return self._compiled[module_id]


def kb_root(explicit: str | None = None) -> Path:
    """--kb, else $VAGVISARE_KB, else the knowledge base shipped in the repository."""
    return Path(explicit or os.environ.get("VAGVISARE_KB") or default_root())


def open_workspace(root: str | None = None, backend: str | None = None) -> Workspace:
    """Load (raising KnowledgeBaseError on errors) and prepare to compile on demand."""
    kb, problems = load(kb_root(root))
    return Workspace(kb, problems, backend or os.environ.get("VAGVISARE_ENGINE") or DEFAULT_BACKEND)
