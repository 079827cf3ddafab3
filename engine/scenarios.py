"""The scenario library for peer learning and self-study: `knowledge_base/scenarios/*.yaml`.

A scenario is a short, invented but realistic case (sv/en) that exercises one guide: the
answers its narrative implies, the misconception it targets, the key questions participants
answer themselves, the conclusions they predict, discussion prompts and learning points.
Trainers edit these files as advisors edit rules; `vagvisare check` validates them here
(hooked into `engine.loader.load`): every key, the guide, the answers (through
`engine.answers.parse_answers`), a complete result of the guide on them, key questions on the
interview path, predicted goals of the guide, both languages, two to four discussion prompts.

The core API the live sessions (web UI) and self-study (CLI) use; all of it is pure except
`load_library`, which reads the files:

    library, problems = load_library(root, kb)         # the scenarios (problems: file:line: what — fix)
    outcome = scenario_outcome(ws, scenario)            # the guide's real outcome on the narrative's answers
    expected_answers(ws, scenario)                      # key question → the answer the narrative implies
    expected_predictions(ws, scenario)                  # predicted goal → the value the guide concludes
    reveal_steps(ws, scenario, lang)                    # the reasoning, step by step, from the real `how`
    check_response(ws, scenario, fact, raw)             # one participant's answer, validated (AnswerError)
    tally(ws, scenario, responses)                      # the distribution per key question and prediction

The reveal is never written in YAML: it is built from `explanations.how.how` on the outcome of
the scenario's answers, so it always shows the rules that actually fired, with their sources.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from engine.answers import check_value, parse_answers, parse_date
from engine.conditions import comparisons, facts_in
from engine.consultation import Outcome
from engine.errors import AnswerError, VagvisareError
from engine.model import ABSENT, AS_OF, DONT_KNOW, DONT_KNOW_WORD, LANGUAGES, KnowledgeBase, Origin, Rule, Text, is_date
from engine.problems import Problem, did_you_mean, show
from engine.reading import Reader, read_document
from engine.yamlfile import Located, LocatedList

SCENARIOS_DIR = "knowledge_base/scenarios"

#: A scenario has this many discussion prompts, at least and at most.
MIN_DISCUSSION, MAX_DISCUSSION = 2, 4

_REQUIRED = ("id", "title", "narrative", "guide", "answers", "misconception", "key_questions", "predict", "discussion", "learning_points")
_OPTIONAL = ("as_of", "note_for_trainers")


# --- the model -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One case of the library, as a trainer wrote it."""

    id: str
    title: Text
    narrative: Text
    guide: str  # the module it exercises
    answers: dict  # the raw answers the narrative implies (question id → value as in an answers file)
    misconception: Text
    key_questions: tuple[str, ...]  # question ids participants answer themselves
    predict: tuple[str, ...]  # goal ids participants predict
    discussion: tuple[Text, ...]
    learning_points: tuple[Text, ...]
    as_of: datetime.date | None  # the date the law is applied as of (None: today)
    origin: Origin
    note_for_trainers: str = ""
    lines: tuple[tuple[str, int], ...] = ()  # (key, line) of each key of the scenario, for messages

    def line_of(self, key: str) -> int:
        return dict(self.lines).get(key, self.origin.line)


@dataclass(frozen=True)
class Library:
    """The scenarios in file order."""

    scenarios: tuple[Scenario, ...] = ()

    def ids(self) -> list[str]:
        return [s.id for s in self.scenarios]

    def get(self, scenario_id: str) -> Scenario:
        """The scenario with this id (AnswerError with a 'did you mean' when there is none)."""
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        hint = did_you_mean(scenario_id, self.ids()) or (f"choose one of: {', '.join(self.ids())}" if self.scenarios else "")
        raise AnswerError(Problem("scenario", 0, f"unknown scenario {show(scenario_id)}", hint or "the library is empty"))

    def for_guide(self, guide: str) -> list[Scenario]:
        return [s for s in self.scenarios if s.guide == guide]


# --- reading and checking ------------------------------------------------------------


def load_library(root: Path | str, kb: KnowledgeBase | None = None) -> tuple[Library, list[Problem]]:
    """Read every `knowledge_base/scenarios/*.yaml`; with `kb`, check what the scenarios name
    against it (guide, answers, questions, goals). Running the guide on the answers is
    `check_scenarios`. Returns the scenarios that could be read, and every problem."""
    root = Path(root)
    problems: list[Problem] = []
    scenarios: list[Scenario] = []
    seen: dict[str, Origin] = {}
    for path in sorted((root / SCENARIOS_DIR).glob("*.yaml")):
        name = path.relative_to(root).as_posix()
        doc, reader = read_document(path, name, problems, "add 'scenarios:' with at least one scenario, or delete the file")
        if doc is None or not reader.keys(doc, "a scenarios file", ("scenarios",), ()):
            continue
        for line, item in reader.items(doc, "scenarios", "scenarios ('- id: …')"):
            scenario = _scenario(reader, item, line, kb)
            if scenario is None:
                continue
            if scenario.id in seen:
                reader.problem(
                    scenario.origin.line,
                    f"duplicate scenario id '{scenario.id}' (first defined at {seen[scenario.id]})",
                    "give each an id of its own",
                )
                continue
            seen[scenario.id] = scenario.origin
            scenarios.append(scenario)
    return Library(tuple(scenarios)), problems


def _texts(reader: Reader, m: Located, key: str, what: str) -> tuple[Text, ...]:
    """A list of bilingual texts, each `- {sv: …, en: …}`."""
    if key not in m:
        return ()
    if not isinstance(m[key], LocatedList):
        reader.problem(m.line_of(key), f"'{key}' of {what} must be a list of texts", "write each item as '- sv: …' with 'en: …' under it")
        return ()
    found = []
    for line, item in reader.items(m, key, "texts"):
        holder = Located({key: item})
        holder.line, holder.key_lines = line, {key: line}
        text = _text(reader, holder, key, what)
        if text is not None:
            found.append(text)
    return tuple(found)


def _text(reader: Reader, m: Located, key: str, what: str) -> Text | None:
    """A bilingual text with both languages, or None (the shared reader reports what is missing)."""
    text = reader.text(m, key, what)
    value = m.get(key)
    if text is None or not isinstance(value, Located):
        return None
    return text if all(lang in value for lang in LANGUAGES) and text.sv and text.en else None  # the reader reported what is missing


def _ids(reader: Reader, m: Located, key: str, what: str) -> tuple[tuple[str, int], ...]:
    value = m.get(key)
    if not isinstance(value, LocatedList) or not value:
        reader.problem(m.line_of(key), f"'{key}' of {what} must be a list of ids", "write '- module.fact' lines")
        return ()
    out = []
    for line, item in reader.items(m, key, "ids"):
        if not isinstance(item, str):
            reader.problem(line, f"an item of '{key}' of {what} must be an id, not {show(item)}", "write '- module.fact'")
            continue
        out.append((item, line))
    return tuple(out)


def _scenario(reader: Reader, node, line: int, kb: KnowledgeBase | None) -> Scenario | None:
    m = reader.mapping(node, "a scenario", line)
    if m is None:
        return None
    if not reader.keys(m, "a scenario", _REQUIRED, _OPTIONAL):
        return None
    sid = m["id"]
    if not isinstance(sid, str) or not sid.strip():
        reader.problem(m.line_of("id"), f"the id of a scenario must be a text, not {show(sid)}", "write e.g. 'id: poster-before-patent'")
        return None
    what = f"scenario '{sid}'"
    ok = True
    texts = {key: _text(reader, m, key, what) for key in ("title", "narrative", "misconception")}
    ok &= all(t is not None for t in texts.values())
    discussion = _texts(reader, m, "discussion", what)
    prompts = m["discussion"]
    if isinstance(prompts, LocatedList) and not MIN_DISCUSSION <= len(prompts) <= MAX_DISCUSSION:
        reader.problem(
            m.line_of("discussion"),
            f"{what} has {len(prompts)} discussion prompts",
            f"give {MIN_DISCUSSION} to {MAX_DISCUSSION} prompts, each with 'sv:' and 'en:'",
        )
        ok = False
    ok &= isinstance(prompts, LocatedList) and len(discussion) == len(prompts)
    learning = _texts(reader, m, "learning_points", what)
    points = m["learning_points"]
    if isinstance(points, LocatedList) and not points:
        reader.problem(m.line_of("learning_points"), f"{what} has no learning points", "add at least one, with 'sv:' and 'en:'")
    ok &= isinstance(points, LocatedList) and bool(points) and len(learning) == len(points)
    guide = m["guide"]
    if not isinstance(guide, str):
        reader.problem(m.line_of("guide"), f"the guide of {what} must be a module id, not {show(guide)}", "write e.g. 'guide: mdr'")
        return None
    answers = reader.mapping(m["answers"], f"'answers' of {what}", m.line_of("answers"))
    key_questions = _ids(reader, m, "key_questions", what)
    predict = _ids(reader, m, "predict", what)
    as_of = None
    if "as_of" in m:
        as_of, error = parse_date("as_of", m["as_of"])
        if error:
            reader.problem(
                m.line_of("as_of"), f"'as_of' of {what} must be a date, not {show(m['as_of'])}", "write it as YYYY-MM-DD, e.g. 2026-12-01"
            )
    note = m.get("note_for_trainers", "")
    if not isinstance(note, str):
        reader.problem(m.line_of("note_for_trainers"), f"'note_for_trainers' of {what} must be a plain text", "write one line of text")
        note = ""
    elif note.strip():  # listed by `check` like the advisors' notes on rules; never shown to participants
        reader.problem(m.line_of("note_for_trainers"), f"note for trainers on {what}: {note.strip()}", "", "note")
    if kb is not None:
        ok &= _check_names(reader, m, what, kb, guide, answers, key_questions, predict, as_of)
    if not ok or answers is None or not key_questions or not predict:
        return None
    return Scenario(
        id=sid,
        title=texts["title"],
        narrative=texts["narrative"],
        guide=guide,
        answers=answers,
        misconception=texts["misconception"],
        key_questions=tuple(q for q, _ in key_questions),
        predict=tuple(g for g, _ in predict),
        discussion=discussion,
        learning_points=learning,
        as_of=as_of,
        origin=Origin(reader.name, m.line),
        note_for_trainers=note.strip(),
        lines=tuple((str(k), m.line_of(k)) for k in m),
    )


def _check_names(reader: Reader, m: Located, what: str, kb: KnowledgeBase, guide: str, answers, key_questions, predict, as_of) -> bool:
    """The guide exists, the answers fit it, key questions are its questions, predictions its goals."""
    if guide not in kb.modules:
        hint = did_you_mean(guide, kb.modules) or f"choose one of: {', '.join(kb.modules)}"
        reader.problem(m.line_of("guide"), f"unknown guide '{guide}' in {what}", hint)
        return False
    ok = True
    if answers is not None:
        try:
            parse_answers(kb, answers, reader.name, guide)
        except AnswerError as exc:
            reader.problems.extend(Problem(p.file, p.line, f"{p.message} (answers of {what})", p.fix) for p in exc.problems)
            ok = False
    questions = [q.id for q in kb.module_questions(guide)]
    for qid, line in key_questions:
        if qid not in questions:
            hint = did_you_mean(qid, questions) or f"use a question id of the guide '{guide}' (knowledge_base/questions/{guide}.yaml)"
            reader.problem(line, f"key question '{qid}' of {what} is not a question of the guide '{guide}'", hint)
            ok = False
    goals = kb.modules[guide].goals
    for goal, line in predict:
        if goal not in goals:
            hint = did_you_mean(goal, goals) or f"choose one of the guide's goals: {', '.join(goals)}"
            reader.problem(line, f"'{goal}' in 'predict' of {what} is not a goal of the guide '{guide}'", hint)
            ok = False
    if as_of is None and guide in dated_guides(kb):
        reader.problem(
            m.line,
            f"{what} exercises the guide '{guide}', whose rules depend on the date, but gives no 'as_of'",
            "add 'as_of: YYYY-MM-DD' so that the scenario's result does not change as time passes",
        )
        ok = False
    return ok


def dated_guides(kb: KnowledgeBase) -> set[str]:
    """The guides with at least one rule that compares the date the law is applied as of."""
    return {rule.module for rule in kb.rules.values() if any(c.fact == AS_OF for c in comparisons(rule.when))}


def check_scenarios(workspace, library: Library) -> list[Problem]:
    """Run every scenario through its guide: the result must be complete (every goal decided,
    no needed answer left out), each key question asked on that path and each predicted goal
    given a value. Answers the guide never needs are warned about."""
    problems: list[Problem] = []
    for scenario in library.scenarios:
        problems.extend(check_scenario(workspace, scenario))
    return problems


def check_scenario(workspace, scenario: Scenario) -> list[Problem]:
    where, what = scenario.origin, f"scenario '{scenario.id}'"
    lines = scenario.answers.line_of if isinstance(scenario.answers, Located) else (lambda _k: where.line)
    kb = workspace.kb
    try:
        outcome = scenario_outcome(workspace, scenario)
    except VagvisareError as exc:
        return [
            Problem(where.file, where.line, f"{what} cannot be run: {exc.message}", exc.fix or "run 'vagvisare check' and fix the rules")
        ]
    out = []
    if outcome.open_goals:
        out.append(
            Problem(
                where.file,
                scenario.line_of("answers"),
                f"the guide '{scenario.guide}' does not decide {', '.join(outcome.open_goals)} on the answers of {what}",
                f"add the answers the narrative implies (next question: {outcome.next_question})"
                if outcome.next_question
                else "give answers that decide every goal",
            )
        )
    for qid in outcome.plan.not_answered:
        out.append(
            Problem(
                where.file,
                scenario.line_of("answers"),
                f"the guide asks '{qid}' on the path of {what}, but its answers leave it out",
                f"add '{qid}:' with the answer the narrative implies",
            )
        )
    for qid in scenario.key_questions:
        if qid not in outcome.answers:
            asked = [q for q in outcome.answers if q in kb.questions]
            hint = f"choose a question the guide asks on this path: {', '.join(asked)}"
            out.append(
                Problem(
                    where.file,
                    scenario.line_of("key_questions"),
                    f"key question '{qid}' of {what} is not asked on the scenario's interview path",
                    hint,
                )
            )
    for goal in scenario.predict:
        if outcome.conclusions.get(goal, ABSENT) is ABSENT:
            out.append(
                Problem(
                    where.file,
                    scenario.line_of("predict"),
                    f"the guide draws no conclusion '{goal}' on the answers of {what}, so it cannot be predicted",
                    "predict a goal that the guide decides with a value on this path",
                )
            )
    for qid in outcome.unused_answers:
        out.append(
            Problem(
                where.file,
                lines(qid),
                f"the answer to '{qid}' in {what} is never needed by the guide on this path",
                "remove it, or check the other answers",
                "warning",
            )
        )
    return out


def validate_scenarios(root: Path | str, kb: KnowledgeBase, run: bool = True, backend: str | None = None) -> list[Problem]:
    """`vagvisare check` for the scenario library (engine.loader calls this). With `run` (the
    rest of the knowledge base has no errors), each scenario is also run through its guide."""
    library, problems = load_library(root, kb)
    if run and library.scenarios:
        from engine.session import Workspace, choose_backend

        try:
            name = choose_backend(backend)
        except VagvisareError as exc:
            return problems + list(exc.problems)
        problems.extend(check_scenarios(Workspace(kb, [], name), library))
    return problems


# --- the outcome and what is expected -------------------------------------------------


def scenario_outcome(workspace, scenario: Scenario) -> Outcome:
    """The guide's real outcome on the answers the narrative implies, as of the scenario's date."""
    return workspace.evaluate(scenario.guide, scenario.answers, as_of=scenario.as_of, name=scenario.origin.file, explore_unknowns=False)


def expected_answers(workspace, scenario: Scenario) -> dict:
    """Each key question → the answer the narrative implies (model values: bool, str, frozenset, …)."""
    used = scenario_outcome(workspace, scenario).answers
    return {qid: used.get(qid, ABSENT) for qid in scenario.key_questions}


def expected_predictions(workspace, scenario: Scenario) -> dict:
    """Each predicted goal → the value the guide concludes on the scenario's answers."""
    conclusions = scenario_outcome(workspace, scenario).conclusions
    return {goal: conclusions.get(goal, ABSENT) for goal in scenario.predict}


# --- the reveal ----------------------------------------------------------------------


@dataclass(frozen=True)
class RevealSource:
    source: str  # the source id
    citation: str  # e.g. 'Regulation (EU) 2017/745'
    pinpoint: str  # e.g. 'Annex VIII, rule 11'
    title: str  # in the language asked
    url: str
    label: str = ""  # citation and pinpoint as the report in the language asked writes them


@dataclass(frozen=True)
class RevealRule:
    id: str
    title: str
    because: str
    sources: tuple[RevealSource, ...]


@dataclass(frozen=True)
class RevealStep:
    """One step of the reasoning. `kind` is 'question' (an answer the narrative implies and the
    fired rules that use it), 'input' (another guide's result this guide reads, or the date the
    law is applied as of, and the fired rules that use it) or 'conclusion' (a fact the rules
    concluded: an intermediate one, or a predicted goal, `predicted`). `value` is the model
    value, `value_text` how users read it."""

    kind: str
    fact: str
    text: str  # the question or the conclusion, in the language asked
    value: object
    value_text: str
    rules: tuple[RevealRule, ...]  # question: fired rules that matched this answer; conclusion: the rules that decided it
    key: bool = False  # a key question participants answered
    predicted: bool = False  # a goal participants predicted
    overridden: tuple[tuple[RevealRule, str], ...] = ()  # rules that fired with a value that lost, and that value
    opens: tuple[str, ...] = ()  # question: the questions asked on this path because of this answer (their ask_if reads it)
    checked_by: tuple[RevealRule, ...] = ()  # question no fired rule matched: rules that read it and did not fire (at most 3)


def _reveal_rule(kb: KnowledgeBase, rule: Rule, lang: str) -> RevealRule:
    from explanations.render import source_label

    sources = []
    for ref in rule.sources:
        source = kb.sources.get(ref.source)
        sources.append(
            RevealSource(
                ref.source,
                source.citation if source else ref.source,
                ref.pinpoint,
                source.title.get(lang) if source else "",
                source.url if source else "",
                source_label(kb, ref, lang),
            )
        )
    return RevealRule(rule.id, rule.title.get(lang), rule.because.get(lang), tuple(sources))


def reveal_steps(workspace, scenario: Scenario, lang: str = "sv") -> tuple[RevealStep, ...]:
    """The system's reasoning on the scenario, from the real `how` explanation of its outcome.

    For each predicted goal, its proof is walked depth first: every answer a rule matched is a
    'question' step (another guide's result or the date an 'input' step) (with all fired rules of the proofs that use it), every concluded fact a
    'conclusion' step after the steps it rests on, the predicted goal last. A key question that
    no proof uses (it only decides which questions are asked, or the rules reading it did not
    fire) is placed before the first proof question asked after it, with the fired rules that
    matched it, if any, else the rules that read it and did not fire (`checked_by`)."""
    from explanations.how import how
    from explanations.render import fact_text, value_text

    kb = workspace.kb
    compiled = workspace.module(scenario.guide)
    outcome = scenario_outcome(workspace, scenario)
    order: list[tuple[str, str]] = []  # (kind, fact) in the order first reached
    users: dict[str, list[str]] = {}  # answer → rule ids that matched it in the proofs
    deciders: dict[str, list[str]] = {}
    overridden: dict[str, tuple] = {}

    def visit_fact(fact: str) -> None:
        if ("conclusion", fact) in order:
            return
        explanation = how(compiled, outcome, fact)
        for step in explanation.steps:
            visit_step(step)
        deciders[fact] = [s.rule.id for s in explanation.steps]
        overridden[fact] = explanation.overridden
        order.append(("conclusion", fact))

    def visit_step(step) -> None:
        for premise in step.premises:
            if premise.is_answer:
                if ("question", premise.fact) not in order:
                    order.append(("question", premise.fact))
                rules = users.setdefault(premise.fact, [])
                if step.rule.id not in rules:
                    rules.append(step.rule.id)
            elif premise.fact in compiled.concluders:
                visit_fact(premise.fact)
            else:  # another guide's result this guide reads (`inputs:`), or the date the law is applied as of
                if ("input", premise.fact) not in order:
                    order.append(("input", premise.fact))
                rules = users.setdefault(premise.fact, [])
                if step.rule.id not in rules:
                    rules.append(step.rule.id)

    for goal in scenario.predict:
        visit_fact(goal)
    proof_questions = {fact for kind, fact in order if kind == "question"}
    extra = [q for q in outcome.answers if q in scenario.key_questions and q not in proof_questions]
    for qid in extra:
        users[qid] = [f.rule for f in outcome.trace if any(fact == qid for fact, _ in f.matched)]
    asked = list(outcome.answers)
    for qid in extra:  # in interview order, just after the last proof question asked before it
        earlier = [
            i for i, (kind, fact) in enumerate(order) if kind == "question" and fact in asked and asked.index(fact) < asked.index(qid)
        ]
        order.insert(earlier[-1] + 1 if earlier else 0, ("question", qid))
    fired = {f.rule for f in outcome.trace}
    steps = []
    for kind, fact in order:
        if kind == "conclusion":
            value = outcome.conclusions.get(fact, ABSENT)
        else:
            value = outcome.as_of if fact == AS_OF else outcome.answers.get(fact, ABSENT)
        rule_ids = deciders.get(fact, []) if kind == "conclusion" else users.get(fact, [])
        steps.append(
            RevealStep(
                kind=kind,
                fact=fact,
                text=fact_text(kb, fact, lang),
                value=value,
                value_text=value_text(kb, fact, value, lang),
                rules=tuple(_reveal_rule(kb, compiled.rules[r], lang) for r in rule_ids),
                key=kind == "question" and fact in scenario.key_questions,
                predicted=kind == "conclusion" and fact in scenario.predict,
                overridden=tuple((_reveal_rule(kb, rule, lang), value_text(kb, fact, v, lang)) for rule, v in overridden.get(fact, ())),
                opens=_opens(kb, outcome, fact) if kind == "question" else (),
                checked_by=_checked_by(kb, compiled, fired, fact, lang) if kind == "question" and not rule_ids else (),
            )
        )
    return tuple(steps)


def _opens(kb: KnowledgeBase, outcome: Outcome, fact: str) -> tuple[str, ...]:
    return tuple(
        q for q in outcome.answers if q in kb.questions and kb.questions[q].ask_if is not None and fact in facts_in(kb.questions[q].ask_if)
    )


def _checked_by(kb: KnowledgeBase, compiled, fired: set, fact: str, lang: str, limit: int = 3) -> tuple[RevealRule, ...]:
    readers = [r for r in compiled.rules.values() if r.id not in fired and fact in facts_in(r.when)]
    return tuple(_reveal_rule(kb, r, lang) for r in readers[:limit])


# --- participants' answers -------------------------------------------------------------


def check_response(workspace, scenario: Scenario, fact: str, raw):
    """One participant's answer to a key question or prediction, as a model value (DONT_KNOW
    for 'dont_know'). Raises AnswerError for a fact the scenario does not ask, or a bad value."""
    if fact not in scenario.key_questions and fact not in scenario.predict:
        asked = list(scenario.key_questions) + list(scenario.predict)
        hint = did_you_mean(fact, asked) or f"answer one of: {', '.join(asked)}"
        raise AnswerError(Problem(str(fact)[:80], 0, f"{show(fact)} is not asked in scenario '{scenario.id}'", hint))
    value, error = check_value(workspace.kb, fact, raw)
    if error:
        message, _, fix = error.partition(" — ")
        raise AnswerError(Problem(fact, 0, message, fix))
    return value


def _key(kb: KnowledgeBase, fact: str, value):
    """A value as a hashable, JSON-safe key of a distribution: true/false, a choice id, a tuple
    of choice ids in declared order, a number, an ISO date, or 'dont_know'."""
    if value is DONT_KNOW:
        return DONT_KNOW_WORD
    if isinstance(value, frozenset):
        order = kb.fact_values(fact)
        return tuple(sorted(value, key=lambda v: order.index(v) if v in order else len(order)))
    if is_date(value):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Distribution:
    """How participants answered one key question or predicted one goal."""

    fact: str
    kind: str  # 'question' or 'prediction'
    expected: object  # the key of the right answer (see `_key`)
    counts: dict  # answer key → number of participants, most frequent first
    answered: int  # participants who gave an answer (including 'dont_know')
    correct: int
    dont_know: int


@dataclass(frozen=True)
class Tally:
    participants: int
    questions: tuple[Distribution, ...]  # in the scenario's order of key questions
    predictions: tuple[Distribution, ...]  # in the scenario's order of predictions


def tally(workspace, scenario: Scenario, responses: Iterable[Mapping]) -> Tally:
    """The distribution per key question and per prediction over participants' responses
    (each a mapping fact → raw value, as `check_response` takes; facts left out are not
    counted). Raises AnswerError for a response that does not fit."""
    kb = workspace.kb
    expected = {**expected_answers(workspace, scenario), **expected_predictions(workspace, scenario)}
    counters: dict[str, Counter] = {f: Counter() for f in (*scenario.key_questions, *scenario.predict)}
    participants = 0
    for response in responses:
        participants += 1
        for fact, raw in response.items():
            value = check_response(workspace, scenario, fact, raw)
            counters[fact][_key(kb, fact, value)] += 1

    def dist(fact: str, kind: str) -> Distribution:
        counter = counters[fact]
        right = _key(kb, fact, expected[fact])
        return Distribution(
            fact=fact,
            kind=kind,
            expected=right,
            counts=dict(sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))),
            answered=sum(counter.values()),
            correct=counter.get(right, 0),
            dont_know=counter.get(DONT_KNOW_WORD, 0),
        )

    return Tally(
        participants,
        tuple(dist(q, "question") for q in scenario.key_questions),
        tuple(dist(g, "prediction") for g in scenario.predict),
    )


__all__ = [
    "SCENARIOS_DIR",
    "Scenario",
    "Library",
    "RevealSource",
    "RevealRule",
    "RevealStep",
    "Distribution",
    "Tally",
    "load_library",
    "check_scenario",
    "check_scenarios",
    "validate_scenarios",
    "dated_guides",
    "scenario_outcome",
    "expected_answers",
    "expected_predictions",
    "reveal_steps",
    "check_response",
    "tally",
]
