"""Every kind of knowledge-base mistake is reported as file:line: what — fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import KnowledgeBaseError
from engine.loader import load

RULES = "rules/demo/rules.yaml"
QUESTIONS = "knowledge_base/questions/demo.yaml"


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, name: str, needle: str) -> int:
    for number, line in enumerate((root / name).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {name}")


def errors(root: Path):
    _, problems = load(root, strict=False)
    return [p for p in problems if p.severity == "error"]


def only_error(root: Path):
    found = errors(root)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_tiny_kb_is_clean(tiny_kb):
    assert errors(tiny_kb) == []


def test_strict_load_raises_with_every_problem(tiny_kb):
    edit(tiny_kb, RULES, "fact: demo.purpose\n      equals: wellness", "fact: demo.purpos\n      equals: wellness")
    with pytest.raises(KnowledgeBaseError) as info:
        load(tiny_kb)
    assert "demo.purpos" in str(info.value)


def test_an_impossible_date_names_file_and_line(tiny_kb):
    edit(tiny_kb, RULES, "    because: {sv: Tung., en: Heavy.}", "    because: {sv: Tung., en: Heavy.}\n    valid_from: 2026-13-01")
    p = only_error(tiny_kb)
    assert p.file == RULES and p.line > 0
    assert p.message == "'2026-13-01' is not a real date" and "YYYY-MM-DD" in p.fix


def test_broken_yaml_names_file_and_line(tiny_kb):
    edit(tiny_kb, RULES, "    because: {sv: Tung., en: Heavy.}", "    because: {sv: Tung., en: Heavy.\n   bad: [")
    p = only_error(tiny_kb)
    assert p.file == RULES and p.line > 0
    assert "not valid YAML" in p.message and "indentation" in p.fix


def test_unknown_fact_suggests_the_right_id(tiny_kb):
    edit(tiny_kb, RULES, "fact: demo.is_software", "fact: demo.is_sofware")
    p = only_error(tiny_kb)
    assert (p.file, p.line) == (RULES, line_of(tiny_kb, RULES, "demo.is_sofware"))
    assert "unknown fact 'demo.is_sofware'" in p.message
    assert p.fix == "did you mean 'demo.is_software'?"


def test_misspelt_key_suggests_the_right_key(tiny_kb):
    edit(tiny_kb, RULES, "    because: {sv: Lätt., en: Light.}", "    becuase: {sv: Lätt., en: Light.}")
    found = errors(tiny_kb)
    misspelt = [p for p in found if "becuase" in p.message]
    assert misspelt and misspelt[0].line == line_of(tiny_kb, RULES, "becuase")
    assert misspelt[0].fix == "did you mean 'because'?"


def test_wrong_value_type(tiny_kb):
    edit(tiny_kb, RULES, "fact: demo.is_software\n      equals: true", "fact: demo.is_software\n      equals: maybe")
    p = only_error(tiny_kb)
    assert p.line == line_of(tiny_kb, RULES, "fact: demo.is_software")
    assert "yes/no question" in p.message and "true, false" in p.fix


def test_value_not_among_choices(tiny_kb):
    edit(tiny_kb, RULES, "equals: wellness", "equals: welness")
    p = only_error(tiny_kb)
    assert p.line == line_of(tiny_kb, RULES, "fact: demo.purpose")
    assert "'welness' is not a choice of 'demo.purpose'" in p.message
    assert p.fix == "did you mean 'wellness'?"


def test_unknown_source(tiny_kb):
    edit(tiny_kb, RULES, "sources: [{source: act, pinpoint: 3 §}]", "sources: [{source: acts, pinpoint: 3 §}]")
    p = only_error(tiny_kb)
    assert p.line == line_of(tiny_kb, RULES, "id: demo.light")
    assert "unknown source 'acts'" in p.message and p.fix == "did you mean 'act'?"


def test_duplicate_ids(tiny_kb):
    edit(tiny_kb, RULES, "id: demo.light", "id: demo.heavy")
    p = only_error(tiny_kb)
    assert "duplicate rule id 'demo.heavy'" in p.message
    assert p.line == line_of(tiny_kb, RULES, "title: {sv: Lätt") - 1
    assert "first defined at rules/demo/rules.yaml:" in p.message


def test_duplicate_yaml_key(tiny_kb):
    edit(tiny_kb, RULES, "    because: {sv: Tung., en: Heavy.}", "    because: {sv: Tung., en: Heavy.}\n    because: {sv: X, en: X}")
    p = only_error(tiny_kb)
    assert "appears twice" in p.message and p.line == line_of(tiny_kb, RULES, "because: {sv: X")


def test_rule_that_can_never_fire(tiny_kb):
    edit(tiny_kb, RULES, "greater_than: 10", "greater_than: 10\n        - fact: demo.weight\n          less_than: 5")
    p = only_error(tiny_kb)
    assert "can never fire" in p.message and "demo.heavy" in p.message
    assert p.line == line_of(tiny_kb, RULES, "id: demo.heavy")


def test_conclusion_value_nobody_defines(tiny_kb):
    edit(tiny_kb, RULES, "conclude: {demo.verdict: high}", "conclude: {demo.verdict: highest}")
    p = only_error(tiny_kb)
    assert "'highest' is not a choice of 'demo.verdict'" in p.message and p.fix == "did you mean 'high'?"


def test_concluding_an_undeclared_fact(tiny_kb):
    edit(tiny_kb, RULES, "conclude: {demo.verdict: low}", "conclude: {demo.verdikt: low}")
    p = only_error(tiny_kb)
    assert "unknown fact 'demo.verdikt'" in p.message and p.fix == "did you mean 'demo.verdict'?"


def test_missing_required_key(tiny_kb):
    edit(tiny_kb, QUESTIONS, "    text: {sv: 'Vikt?', en: 'Weight?'}\n", "")
    p = only_error(tiny_kb)
    assert p.file == QUESTIONS and "has no 'text'" in p.message and "add 'text:'" in p.fix


def test_missing_language(tiny_kb):
    edit(tiny_kb, QUESTIONS, "text: {sv: 'Syfte?', en: 'Purpose?'}", "text: {sv: 'Syfte?'}")
    p = only_error(tiny_kb)
    assert "has no 'en'" in p.message and p.line == line_of(tiny_kb, QUESTIONS, "Syfte?")


def test_circular_conclusions(tiny_kb):
    module = "rules/demo/module.yaml"
    edit(
        tiny_kb,
        module,
        "conclusions:\n",
        "conclusions:\n  - id: demo.other\n    type: boolean\n    text: {sv: Annat, en: Other}\n",
    )
    edit(
        tiny_kb,
        RULES,
        "conclude: {demo.verdict: low}\n    because: {sv: För att.",
        "conclude: {demo.other: true}\n    because: {sv: För att.",
    )
    edit(tiny_kb, RULES, "fact: demo.purpose\n      equals: wellness", "fact: demo.verdict\n      equals: high")
    edit(tiny_kb, RULES, "fact: demo.is_software\n      equals: true", "fact: demo.other\n      equals: true")
    circles = [p for p in errors(tiny_kb) if "circle" in p.message]
    assert circles and "demo.verdict" in circles[0].message and "demo.other" in circles[0].message


def test_unknown_comparison_operator(tiny_kb):
    edit(tiny_kb, RULES, "greater_than: 10", "greater_then: 10")
    p = only_error(tiny_kb)
    assert "unknown comparison 'greater_then'" in p.message and p.fix == "did you mean 'greater_than'?"


def test_yaml_is_never_executed(tiny_kb):
    edit(tiny_kb, RULES, "equals: wellness", "equals: !!python/object/apply:os.system ['echo pwned']")
    p = only_error(tiny_kb)
    assert "not valid YAML" in p.message


def test_test_case_with_unknown_fact(tiny_kb):
    (tiny_kb / "rules/demo/tests").mkdir()
    (tiny_kb / "rules/demo/tests/cases.yaml").write_text(
        "cases:\n  - id: t1\n    answers:\n      demo.purpse: medical\n    expected:\n      demo.verdict: high\n", encoding="utf-8"
    )
    p = only_error(tiny_kb)
    assert (p.file, p.line) == ("rules/demo/tests/cases.yaml", 4)
    assert p.fix == "did you mean 'demo.purpose'?"


def test_warnings_do_not_count_as_errors(tiny_kb):
    edit(
        tiny_kb,
        "knowledge_base/sources.yaml",
        "sources:\n",
        "sources:\n  - id: unused\n    title: {sv: X, en: X}\n    citation: X\n    version: '1'\n",
    )
    _, problems = load(tiny_kb, strict=False)
    assert [p.severity for p in problems] == ["warning"]
    assert "never cited" in problems[0].message


def test_comparing_with_a_value_no_rule_concludes_is_a_warning(tiny_kb):
    edit(tiny_kb, "rules/demo/module.yaml", "goals: [demo.verdict]", "goals: [demo.verdict, demo.note]")
    edit(
        tiny_kb,
        "rules/demo/module.yaml",
        "conclusions:\n",
        "conclusions:\n  - id: demo.note\n    type: boolean\n    text: {sv: Not, en: Note}\n",
    )
    rules = tiny_kb / RULES
    rules.write_text(
        rules.read_text(encoding="utf-8")
        + "  - id: demo.noted\n    title: {sv: N, en: N}\n    when: {fact: demo.verdict, in: [low, high]}\n"
        + "    then: {conclude: {demo.note: true}}\n    because: {sv: N, en: N}\n    sources: [act]\n",
        encoding="utf-8",
    )
    edit(
        tiny_kb,
        RULES,
        "conclude: {demo.verdict: high}\n    because: {sv: Programvara.",
        "conclude: {demo.verdict: low}\n    because: {sv: Programvara.",
    )
    edit(tiny_kb, RULES, "conclude: {demo.verdict: high}", "conclude: {demo.verdict: low}")
    _, problems = load(tiny_kb, strict=False)
    warned = [p for p in problems if "a value no rule concludes" in p.message]
    assert len(warned) == 1 and warned[0].severity == "warning"
    assert "compares 'demo.verdict' with 'high'" in warned[0].message
    assert warned[0].line == line_of(tiny_kb, RULES, "fact: demo.verdict, in: [low, high]")


def test_equals_on_a_number_is_not_mistaken_for_a_rule_that_never_fires(tiny_kb):
    edit(tiny_kb, RULES, "greater_than: 10", "equals: 12")
    assert errors(tiny_kb) == []


def test_note_for_advisors_is_listed_by_check_and_never_shown_to_users():
    from engine.loader import load as load_kb

    kb, problems = load_kb(strict=False)
    noted = [r for r in kb.rules.values() if r.note_for_advisors]
    assert noted, "the shipped knowledge base keeps its authors' notes in note_for_advisors"
    notes = [p for p in problems if p.severity == "note"]
    assert len(notes) == len(noted)
    for rule in kb.rules.values():
        user_texts = [rule.title, rule.because] + [rec.text for rec in rule.recommend]
        for text in user_texts:
            for lang in ("sv", "en"):
                assert "not checked" not in text.get(lang) and "secondary sources" not in text.get(lang), rule.id
        assert all("not checked" not in ref.pinpoint and "secondary" not in ref.pinpoint for ref in rule.sources), rule.id


def test_exclusive_is_only_for_choices_of_a_multichoice(tiny_kb):
    edit(tiny_kb, QUESTIONS, "      - id: medical\n", "      - id: medical\n        exclusive: true\n")
    problem = only_error(tiny_kb)
    assert (problem.file, problem.line) == (QUESTIONS, line_of(tiny_kb, QUESTIONS, "exclusive: true"))
    assert "only choices of a multichoice can be exclusive" in problem.message and problem.fix == "remove 'exclusive'"


def test_anchors_in_a_knowledge_base_file_are_refused(tiny_kb):
    edit(tiny_kb, RULES, "      fact: demo.purpose\n      equals: wellness", "      fact: &p demo.purpose\n      equals: wellness")
    problem = only_error(tiny_kb)
    assert problem.file == RULES and "anchors and aliases" in problem.message and problem.line > 1
