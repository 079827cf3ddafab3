"""Whatever an advisor writes, `load` answers with problems, never with an exception."""

from __future__ import annotations

import yaml
from conftest import TINY, write_kb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.loader import load

KEYS = st.sampled_from(
    ["id", "title", "when", "then", "because", "sources", "fact", "equals", "in", "all", "any", "not", "conclude", "recommend",
     "type", "choices", "text", "label", "sv", "en", "ask_if", "priority", "pinpoint", "source", "module", "goals", "rules",
     "questions", "conclusions", "cases", "answers", "expected", "as_of", "exclusive", "demo.purpose", "demo.verdict"]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.dates(),
    st.sampled_from(["demo.purpose", "medical", "act"]),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.one_of(KEYS, SCALARS), inner, max_size=4)),
    max_leaves=25,
)
FILES = [
    "rules/demo/rules.yaml",
    "knowledge_base/questions/demo.yaml",
    "rules/demo/module.yaml",
    "knowledge_base/sources.yaml",
    "rules/demo/tests/x.yaml",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.sampled_from(FILES), data=DATA)
def test_any_yaml_gives_problems_not_exceptions(tmp_path_factory, name, data):
    root = write_kb(tmp_path_factory.mktemp("kb"), TINY)
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    kb, problems = load(root, strict=False)
    for problem in problems:
        assert problem.file and problem.message
