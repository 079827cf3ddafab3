"""Scenarios as Markdown (sv or en): the case, the reveal of the reasoning, the learning points,
and the distribution of participants' answers. Presentation only: everything shown comes from
`engine.scenarios` (the reveal from the real `how` of the scenario's outcome).

The fixed phrases of peer learning are kept here, in `SCENARIO_MESSAGES` (sv, en), beside the
shared ones of `explanations.messages`; they can move there when that file is free to edit.
"""

from __future__ import annotations

import html

from engine.model import AS_OF, DONT_KNOW_WORD, KnowledgeBase
from engine.scenarios import RevealRule, RevealStep, Scenario, Tally
from explanations.messages import MESSAGES
from explanations.render import fact_text, value_text


def _escape(text: str) -> str:
    """Keep scenario and knowledge-base text from being read as Markdown or HTML markup."""
    text = html.escape(text, quote=False)
    for ch in "\\`*_[]#":
        text = text.replace(ch, "\\" + ch)
    return text


SCENARIO_MESSAGES: dict[str, tuple[str, str]] = {
    "scenario_list": ("Scenarier", "Scenarios"),
    "scenario_guide": ("Guide", "Guide"),
    "scenario_misconception": ("Vanlig missuppfattning", "Common misconception"),
    "scenario_your_turn": ("Din tur: svara på frågorna som berättelsen väcker.", "Your turn: answer the questions the story raises."),
    "scenario_predict": ("Gissa vad guiden kommer fram till.", "Predict what the guide will conclude."),
    "scenario_reveal": ("Så resonerar Vägvisare", "How Vägvisare reasons"),
    "scenario_step": ("Steg", "Step"),
    "scenario_narrative_answer": ("Berättelsen ger", "The story gives"),
    "scenario_your_answer": ("Ditt svar", "Your answer"),
    "scenario_right": ("rätt", "right"),
    "scenario_not_right": ("inte samma som berättelsen", "not what the story gives"),
    "scenario_used_by": ("Används av regeln", "Used by the rule"),
    "scenario_decided_by": ("Avgörs av regeln", "Decided by the rule"),
    "scenario_opens": ("Svaret gör att guiden också frågar", "The answer makes the guide also ask"),
    "scenario_checked_by": ("Prövades av regeln (som inte slog till)", "Checked by the rule (which did not fire)"),
    "scenario_conclusion": ("Slutsats", "Conclusion"),
    "scenario_your_prediction": ("Din gissning", "Your prediction"),
    "scenario_learning_points": ("Att ta med sig", "Learning points"),
    "scenario_discussion": ("Att diskutera", "For discussion"),
    "scenario_score": ("Du hade {right} av {total} rätt.", "You got {right} of {total} right."),
    "scenario_answers": ("svar", "answers"),
    "scenario_correct": ("rätt", "right"),
    "scenario_participants": ("deltagare", "participants"),
    "scenario_questions": ("Frågor", "Questions"),
    "scenario_predictions": ("Gissningar", "Predictions"),
    "scenario_or_dont_know": ('eller "vet inte"', 'or "don\'t know"'),
    "scenario_stopped": ("Avbrutet innan alla frågor var besvarade.", "Stopped before every question was answered."),
    "scenario_input": ("från en annan guide", "from another guide"),
    "scenario_as_of": ("Lagen tillämpad som den gäller {date}.", "The law applied as it stands on {date}."),
}


def smsg(key: str, lang: str, **values) -> str:
    """A fixed phrase of peer learning (or a shared one), in Swedish or English."""
    sv, en = SCENARIO_MESSAGES.get(key) or MESSAGES[key]
    text = en if lang == "en" else sv
    return text.format(**values) if values else text


def _rule_line(rule: RevealRule) -> str:
    sources = "; ".join(_escape(s.label or (f"{s.citation}, {s.pinpoint}" if s.pinpoint else s.citation)) for s in rule.sources)
    return f"**{_escape(rule.title)}** — {_escape(rule.because)} ({sources})"


def scenario_intro_markdown(kb: KnowledgeBase, scenario: Scenario, lang: str) -> str:
    """The case as participants read it: title, narrative and the guide it exercises."""
    guide = kb.modules[scenario.guide].title.get(lang)
    lines = [f"# {_escape(scenario.title.get(lang))}", "", _escape(scenario.narrative.get(lang)), ""]
    lines.append(f"*{smsg('scenario_guide', lang)}: {_escape(guide)}*")
    return "\n".join(lines) + "\n"


def reveal_markdown(kb: KnowledgeBase, scenario: Scenario, steps: tuple[RevealStep, ...], lang: str, mine: dict | None = None) -> str:
    """The reveal, step by step. With `mine` (fact → the participant's model value) each key
    question and prediction also shows the participant's own answer and whether it matches."""
    mine = mine or {}
    lines = [f"## {smsg('scenario_reveal', lang)}", ""]
    for n, step in enumerate(steps, 1):
        given = f" ({smsg('scenario_input', lang)})" if step.kind == "input" and step.fact != AS_OF else ""
        head = f"{n}. **{_escape(step.text)}** → **{_escape(step.value_text)}**{given}"
        lines.append(head)
        if step.fact in mine:
            yours = mine[step.fact]
            shown = _escape(value_text(kb, step.fact, yours, lang))
            verdict = smsg("scenario_right" if yours == step.value else "scenario_not_right", lang)
            label = smsg("scenario_your_answer" if step.kind == "question" else "scenario_your_prediction", lang)
            lines.append(f"   - {label}: {shown} ({verdict})")
        label = smsg("scenario_decided_by" if step.kind == "conclusion" else "scenario_used_by", lang)
        for rule in step.rules:
            lines.append(f"   - {label}: {_rule_line(rule)}")
        for rule, value in step.overridden:
            lines.append(f"   - {_escape(rule.title)} {smsg('also_gave', lang)} {_escape(value)}")
        for rule in step.checked_by:
            lines.append(f"   - {smsg('scenario_checked_by', lang)}: {_rule_line(rule)}")
        if step.opens and step.key:
            asked = "; ".join(_escape(fact_text(kb, q, lang)) for q in step.opens[:3]) + ("; …" if len(step.opens) > 3 else "")
            lines.append(f"   - {smsg('scenario_opens', lang)}: {asked}")
    return "\n".join(lines) + "\n"


def learning_markdown(scenario: Scenario, lang: str) -> str:
    """The misconception, the learning points and the discussion prompts."""
    lines = [f"## {smsg('scenario_learning_points', lang)}", ""]
    lines.append(f"*{smsg('scenario_misconception', lang)}:* {_escape(scenario.misconception.get(lang))}")
    lines.append("")
    lines.extend(f"- {_escape(point.get(lang))}" for point in scenario.learning_points)
    lines.extend(["", f"## {smsg('scenario_discussion', lang)}", ""])
    lines.extend(f"- {_escape(prompt.get(lang))}" for prompt in scenario.discussion)
    return "\n".join(lines) + "\n"


def _key_text(kb: KnowledgeBase, fact: str, key, lang: str) -> str:
    if key == DONT_KNOW_WORD:
        return smsg("dont_know", lang)
    if isinstance(key, tuple):
        return "; ".join(kb.label(fact, v, lang) for v in key)
    if isinstance(key, bool):
        return smsg("yes" if key else "no", lang)
    return kb.label(fact, key, lang) if isinstance(key, str) else str(key)


def tally_markdown(kb: KnowledgeBase, result: Tally, lang: str) -> str:
    """The distributions as lists: each answer with its count, the right one marked."""
    lines = [f"*{result.participants} {smsg('scenario_participants', lang)}*", ""]
    for title, dists in (("scenario_questions", result.questions), ("scenario_predictions", result.predictions)):
        lines.extend([f"## {smsg(title, lang)}", ""])
        for d in dists:
            lines.append(
                f"- **{_escape(fact_text(kb, d.fact, lang))}** ({d.answered} {smsg('scenario_answers', lang)}, "
                f"{d.correct} {smsg('scenario_correct', lang)})"
            )
            for key, count in d.counts.items():
                mark = " ✓" if key == d.expected else ""
                lines.append(f"  - {_escape(_key_text(kb, d.fact, key, lang))}: {count}{mark}")
        lines.append("")
    return "\n".join(lines)


def summary_markdown(kb: KnowledgeBase, scenario: Scenario, steps: tuple[RevealStep, ...], result: Tally, lang: str) -> str:
    """The after-session export: the case, the distributions, the reasoning, the learning
    points and the discussion prompts, in one Markdown document."""
    return "\n".join(
        [
            scenario_intro_markdown(kb, scenario, lang),
            tally_markdown(kb, result, lang),
            reveal_markdown(kb, scenario, steps, lang),
            learning_markdown(scenario, lang),
            f"> {smsg('disclaimer', lang)}",
            "",
        ]
    )


def _plain_key(key):
    return list(key) if isinstance(key, tuple) else key


def reveal_data(kb: KnowledgeBase, steps: tuple[RevealStep, ...]) -> list[dict]:
    """The reveal as JSON-ready data (for the web sessions): values as in answers files."""
    from explanations.jsonview import plain

    def rule(r: RevealRule) -> dict:
        return {
            "id": r.id,
            "title": r.title,
            "because": r.because,
            "sources": [
                {"source": s.source, "citation": s.citation, "pinpoint": s.pinpoint, "title": s.title, "url": s.url} for s in r.sources
            ],
        }

    return [
        {
            "kind": step.kind,
            "fact": step.fact,
            "text": step.text,
            "value": plain(kb, step.fact, step.value),
            "value_text": step.value_text,
            "key": step.key,
            "predicted": step.predicted,
            "rules": [rule(r) for r in step.rules],
            "overridden": [{"rule": rule(r), "value_text": v} for r, v in step.overridden],
            "opens": list(step.opens),
            "checked_by": [rule(r) for r in step.checked_by],
        }
        for step in steps
    ]


def tally_data(result: Tally) -> dict:
    """The distributions as JSON-ready data: each answer as [value, count], most frequent first."""

    def dist(d) -> dict:
        return {
            "fact": d.fact,
            "expected": _plain_key(d.expected),
            "counts": [[_plain_key(k), n] for k, n in d.counts.items()],
            "answered": d.answered,
            "correct": d.correct,
            "dont_know": d.dont_know,
        }

    return {
        "participants": result.participants,
        "questions": [dist(d) for d in result.questions],
        "predictions": [dist(d) for d in result.predictions],
    }


__all__ = [
    "SCENARIO_MESSAGES",
    "smsg",
    "scenario_intro_markdown",
    "reveal_markdown",
    "learning_markdown",
    "tally_markdown",
    "summary_markdown",
    "reveal_data",
    "tally_data",
]
