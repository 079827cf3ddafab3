"""The knowledge base's own YAML test cases, run by pytest (the same as `vagvisare test`)."""

from __future__ import annotations

import pytest
from conftest import shipped_kb

from engine.kbtests import run_case

_KB, _PROBLEMS = shipped_kb()
CASES = [pytest.param(case, id=f"{case.module}:{case.id}") for case in _KB.tests]


def test_shipped_knowledge_base_has_no_errors():
    errors = [str(p) for p in _PROBLEMS if p.severity == "error"]
    assert errors == []


def test_every_module_has_cases():
    assert {case.module for case in _KB.tests} >= set(_KB.modules)


@pytest.mark.parametrize("case", CASES)
def test_case(shipped, case):
    result = run_case(shipped.module(case.module), case)
    assert result.passed, "\n".join(result.failures)


def test_every_rule_cites_a_known_source():
    for rule in _KB.rules.values():
        assert rule.sources, rule.id
        assert all(ref.source in _KB.sources for ref in rule.sources), rule.id


def test_every_user_text_has_both_languages():
    texts = []
    for q in _KB.questions.values():
        texts += [q.text] + [c.label for c in q.choices] + ([q.help] if q.help else [])
    for r in _KB.rules.values():
        texts += [r.title, r.because] + [rec.text for rec in r.recommend]
    for c in _KB.conclusions.values():
        texts += [c.text] + [ch.label for ch in c.choices]
    assert all(t.sv and t.en for t in texts)
