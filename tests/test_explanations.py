"""How, why and why-not explanations, in Swedish and English, as Markdown and HTML."""

from __future__ import annotations

from engine.compiler import compile_module
from engine.consultation import consult
from engine.loader import load
from engine.relevance import Relevance
from engine.state import settle
from explanations.how import how, why_not
from explanations.render import how_markdown, outcome_markdown, to_html, why_markdown, why_not_markdown


def demo(tiny_kb):
    kb, _ = load(tiny_kb)
    return compile_module(kb, "demo")


def test_how_goes_down_to_the_answers_with_sources(tiny_kb):
    compiled = demo(tiny_kb)
    outcome = consult(compiled, {"demo.is_software": False, "demo.purpose": "medical", "demo.weight": 12})
    explanation = how(compiled, outcome, "demo.verdict")
    assert [s.rule.id for s in explanation.steps] == ["demo.heavy"]
    premises = {(p.fact, p.value, p.is_answer) for p in explanation.steps[0].premises}
    assert premises == {("demo.purpose", "medical", True), ("demo.weight", 12, True)}
    md = how_markdown(compiled, explanation, "en")
    assert "**Heavy** — Heavy." in md and "[SFS 1949:345, 2 §](https://example.org/act)" in md


def test_how_says_why_the_strictest_value_wins(tiny_kb):
    rules = tiny_kb / "rules/demo/rules.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("fact: demo.purpose\n      equals: wellness", "fact: demo.purpose\n      known: true"),
        encoding="utf-8",
    )
    compiled = demo(tiny_kb)
    outcome = consult(compiled, {"demo.is_software": False, "demo.purpose": "medical", "demo.weight": 12})
    explanation = how(compiled, outcome, "demo.verdict")
    assert explanation.value == "high" and [r.id for r, _ in explanation.overridden] == ["demo.low"]
    md = how_markdown(compiled, explanation, "en")
    assert "the strictest applies" in md and "Low gave Low" in md
    assert "det strängaste gäller" in how_markdown(compiled, explanation, "sv")


def test_why_names_the_rules_waiting_for_the_answer(tiny_kb):
    compiled = demo(tiny_kb)
    state = settle(compiled, {"demo.is_software": False, "demo.purpose": "medical"})
    why = Relevance(compiled, state).why("demo.weight")
    assert why.goals == ("demo.verdict",)
    assert {n.id for n in why.rules} == {"demo.heavy", "demo.light"}
    assert all(n.goals == ("demo.verdict",) for n in why.rules)
    text = why_markdown(compiled, why, "en")
    assert text.startswith("The answer can still change: **Verdict**.")
    assert "The answer is needed by the rule **Heavy** (" in text


def test_why_not_names_the_first_failing_condition(tiny_kb):
    compiled = demo(tiny_kb)
    outcome = consult(compiled, {"demo.is_software": False, "demo.purpose": "medical", "demo.weight": 3})
    blocked = why_not(compiled, outcome, "demo.verdict", "high")
    by_rule = {b.rule.id: b for b in blocked}
    assert set(by_rule) == {"demo.heavy", "demo.software"}
    assert by_rule["demo.heavy"].status == "failed" and by_rule["demo.heavy"].at.fact == "demo.weight"
    assert by_rule["demo.software"].at.fact == "demo.is_software"
    md = why_not_markdown(compiled, blocked, "demo.verdict", "high", "en")
    assert "stopped at the condition `demo.weight > 10` (you answered: 3)" in md


def test_why_not_for_a_question_not_yet_answered(tiny_kb):
    compiled = demo(tiny_kb)
    outcome = consult(compiled, {"demo.is_software": False, "demo.purpose": "medical"})
    blocked = {b.rule.id: b for b in why_not(compiled, outcome, "demo.verdict", "high")}
    assert blocked["demo.heavy"].status == "waiting" and blocked["demo.heavy"].at.fact == "demo.weight"


def test_knowledge_base_text_cannot_inject_html(tiny_kb):
    rules = tiny_kb / "rules/demo/rules.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("{sv: Tung., en: Heavy.}", "{sv: Tung., en: '<script>alert(1)</script> *x*'}"),
        encoding="utf-8",
    )
    compiled = demo(tiny_kb)
    outcome = consult(compiled, {"demo.is_software": False, "demo.purpose": "medical", "demo.weight": 12})
    html = to_html(outcome_markdown(compiled, outcome, "en"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<em>x</em>" not in html


def test_report_has_conclusions_recommendations_and_disclaimer_in_both_languages(shipped):
    compiled = shipped.module("mdr")
    answers = {"mdr.is_software": False, "mdr.medical_purpose": frozenset({"disease"}), "mdr.principal_action_pharmacological": True}
    outcome = consult(compiled, answers)
    en, sv = outcome_markdown(compiled, outcome, "en"), outcome_markdown(compiled, outcome, "sv")
    assert "No – not a medical device" in en and "Nej – inte en medicinteknisk produkt" in sv
    assert "Regulation (EU) 2017/745, art. 2(1), final paragraph" in en
    assert "Swedish Medical Products Agency" in en and "Läkemedelsverket" in sv
    assert en.rstrip().endswith("authority.") and "inte juridisk rådgivning" in sv
    assert "<h1>" in to_html(en)
