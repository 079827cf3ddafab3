"""Shared fixtures: the shipped knowledge base (loaded once) and a tiny one to break on purpose."""

from __future__ import annotations

import functools
import os
import textwrap
from pathlib import Path

import pytest

from engine.loader import load
from engine.session import Workspace

TINY = {
    "knowledge_base/sources.yaml": """
        sources:
          - id: act
            title: {sv: En lag, en: An act}
            citation: SFS 1949:345
            url: https://example.org/act
            version: "2024-01-01"
        """,
    "knowledge_base/questions/demo.yaml": """
        module: demo
        questions:
          - id: demo.is_software
            type: boolean
            text: {sv: 'Är det programvara?', en: 'Is it software?'}
          - id: demo.purpose
            type: choice
            text: {sv: 'Syfte?', en: 'Purpose?'}
            choices:
              - id: medical
                label: {sv: Medicinskt, en: Medical}
              - id: wellness
                label: {sv: Friskvård, en: Wellness}
          - id: demo.weight
            type: number
            ask_if:
              fact: demo.purpose
              equals: medical
            text: {sv: 'Vikt?', en: 'Weight?'}
        """,
    "rules/demo/module.yaml": """
        module: demo
        title: {sv: Demo, en: Demo}
        goals: [demo.verdict]
        conclusions:
          - id: demo.verdict
            type: choice
            text: {sv: Utslag, en: Verdict}
            resolve: highest
            choices:
              - id: low
                label: {sv: Låg, en: Low}
              - id: high
                label: {sv: Hög, en: High}
        """,
    "rules/demo/rules.yaml": """
        rules:
          - id: demo.low
            title: {sv: Låg, en: Low}
            when:
              fact: demo.purpose
              equals: wellness
            then:
              conclude: {demo.verdict: low}
            because: {sv: För att., en: Because.}
            sources:
              - source: act
                pinpoint: 1 §
          - id: demo.heavy
            title: {sv: Tung, en: Heavy}
            when:
              all:
                - fact: demo.purpose
                  equals: medical
                - fact: demo.weight
                  greater_than: 10
            then:
              conclude: {demo.verdict: high}
            because: {sv: Tung., en: Heavy.}
            sources: [{source: act, pinpoint: 2 §}]
          - id: demo.light
            title: {sv: Lätt, en: Light}
            when:
              all:
                - fact: demo.purpose
                  equals: medical
                - fact: demo.weight
                  at_most: 10
            then:
              conclude: {demo.verdict: low}
            because: {sv: Lätt., en: Light.}
            sources: [{source: act, pinpoint: 3 §}]
          - id: demo.software
            title: {sv: Programvara, en: Software}
            when:
              fact: demo.is_software
              equals: true
            then:
              conclude: {demo.verdict: high}
            because: {sv: Programvara., en: Software.}
            sources: [{source: act, pinpoint: 4 §}]
        """,
}


def write_kb(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def tiny_kb(tmp_path: Path) -> Path:
    """A small, valid knowledge base in a temporary folder; tests edit its files."""
    return write_kb(tmp_path, TINY)


def draw_answer(question, draw, allow_unknown: bool):
    """A valid answer to a boolean, choice or multichoice question (hypothesis), maybe "I don't know"."""
    from hypothesis import strategies as st

    from engine.model import DONT_KNOW

    if question.type == "boolean":
        options = [st.booleans()]
    elif question.type == "choice":
        options = [st.sampled_from(question.values)]
    else:
        options = [st.sets(st.sampled_from(question.values), min_size=1, max_size=3).map(frozenset)]
    if allow_unknown:
        options.append(st.just(DONT_KNOW))
    return draw(st.one_of(*options))


@functools.cache
def shipped_kb():
    """The shipped knowledge base and its problems, loaded once per test process."""
    return load(strict=False)


@functools.cache
def shipped_workspace(backend: str = "clips") -> Workspace:
    """One workspace per backend, so each module is compiled once per test process."""
    kb, problems = shipped_kb()
    return Workspace(kb, problems, backend)


def shipped_module(module: str, backend: str = "clips"):
    return shipped_workspace(backend).module(module)


@pytest.fixture(scope="session")
def shipped() -> Workspace:
    return shipped_workspace()


#: A PostgreSQL for the storage tests (.ci/run starts one on 127.0.0.1); without it they run on SQLite only.
PG = os.environ.get("VAGVISARE_TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A database URL: a fresh SQLite file, then the shared PostgreSQL (use random ids there)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    if not PG:
        pytest.skip("no PostgreSQL: set VAGVISARE_TEST_DATABASE_URL (.ci/run starts one on 127.0.0.1)")
    return PG
