"""The Consultation API: the one door every front end (CLI, web UI, JSON API, training mode) uses.

    ws = Workspace.open()                         # load and validate the knowledge base once
    c = ws.consultation("mdr", lang="en")         # one guide, one user
    c.next_question                               # the Question to ask, or None when done
    c.answer("mdr.is_software", True)             # raw values as a form or a file gives them
    c.why("mdr.is_software"); c.back(); c.change(...); c.what_if({...})
    c.outcome(); c.how("mdr.class"); c.why_not("mdr.class", "IIb")
    data = c.to_dict(); ws.restore(data)          # JSON-safe, for saving and resuming

Nothing here does IO beyond loading the knowledge base: callers read files and requests.
Every mistake a user can make raises `AnswerError` naming the question or field and the
fix; a broken knowledge base raises `KnowledgeBaseError`; an engine that cannot run as
asked, `EngineError` (all from engine.errors).

One guide can take another's results: a pathway consultation is given the user's MDR and
IP outcomes (`given=`), and reads the conclusions it lists under `inputs:`.
"""

from __future__ import annotations

import datetime
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from engine.answers import check_value, parse_answers
from engine.backends import BACKENDS, DEFAULT_BACKEND
from engine.compiler import CompiledModule, compile_module
from engine.consultation import Outcome, consult
from engine.errors import AnswerError, EngineError
from engine.loader import default_root, load
from engine.model import ABSENT, AS_OF, LANGUAGES, KnowledgeBase, Module, Question
from engine.planner import Interview, Plan, replay
from engine.problems import Problem, did_you_mean, show
from engine.relevance import Relevance, Why
from engine.state import prepare

#: The order guides are offered in: the ones people start with first.
GUIDE_ORDER = ("mdr", "ivdr", "ip", "pathway", "consortium", "mdr_obligations", "triage")

#: The format of `Consultation.to_dict`; `from_dict` reads this and nothing else.
FORMAT = "vagvisare.consultation/1"


def kb_root(explicit: str | Path | None = None) -> Path:
    """--kb, else $VAGVISARE_KB, else the knowledge base shipped with the package."""
    return Path(explicit or os.environ.get("VAGVISARE_KB") or default_root())


def choose_backend(explicit: str | None = None) -> str:
    """--engine, else $VAGVISARE_ENGINE, else the default; an unknown name is an EngineError."""
    name = explicit or os.environ.get("VAGVISARE_ENGINE") or DEFAULT_BACKEND
    if name not in BACKENDS:
        hint = did_you_mean(name, BACKENDS) or f"choose one of: {', '.join(BACKENDS)}"
        raise EngineError(Problem("VAGVISARE_ENGINE" if not explicit else "--engine", 0, f"unknown engine {show(name)}", hint))
    return name


@dataclass
class Workspace:
    """A loaded, validated knowledge base; modules are compiled on first use and kept."""

    kb: KnowledgeBase
    problems: list[Problem]
    backend: str = DEFAULT_BACKEND
    _compiled: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, root: str | Path | None = None, backend: str | None = None, today: datetime.date | None = None) -> Workspace:
        """Load and validate (raises KnowledgeBaseError listing every error)."""
        name = choose_backend(backend)
        kb, problems = load(kb_root(root), today=today)
        return cls(kb, problems, name)

    @property
    def version(self) -> str:
        return self.kb.version

    def guides(self, audience: str | None = "public") -> list[Module]:
        """The guides for `audience` (None: all), in the order of `GUIDE_ORDER`, then the rest."""
        chosen = [m for m in self.kb.modules.values() if audience is None or m.audience == audience]
        rank = {m: i for i, m in enumerate(GUIDE_ORDER)}
        return sorted(chosen, key=lambda m: rank.get(m.id, len(rank)))

    def typical_questions(self, module_id: str) -> int:
        """How many questions a consultation of this guide usually takes: the median of its test cases."""
        counts = sorted(len([f for f in c.answers if f in self.kb.questions]) for c in self.kb.tests if c.module == module_id)
        return counts[len(counts) // 2] if counts else len(self.kb.module_questions(module_id))

    def module(self, module_id: str) -> CompiledModule:
        if module_id not in self.kb.modules:
            hint = did_you_mean(module_id, self.kb.modules) or f"choose one of: {', '.join(self.kb.modules)}"
            raise AnswerError(Problem("module", 0, f"unknown module {show(module_id)}", hint))
        with self._lock:
            if module_id not in self._compiled:
                try:
                    self._compiled[module_id] = prepare(compile_module(self.kb, module_id, self.backend))
                except ValueError as exc:  # `check` refuses what a backend cannot run; this is the last guard
                    raise EngineError(Problem(f"rules/{module_id}", 0, str(exc), "run 'vagvisare check' and fix what it reports")) from None
            return self._compiled[module_id]

    def question(self, module_id: str, question_id: str) -> Question:
        compiled = self.module(module_id)
        question = self.kb.questions.get(question_id)
        if question is None or question.module != module_id:
            hint = did_you_mean(question_id, [q.id for q in compiled.questions]) or "use a question id of this guide"
            raise AnswerError(Problem("question", 0, f"unknown question {show(question_id)} in module '{module_id}'", hint))
        return question

    def parse_answers(self, module_id: str, raw, name: str = "answers") -> dict:
        """Validated answers to one guide (raises AnswerError naming `name`, line and fix)."""
        self.module(module_id)
        return parse_answers(self.kb, raw, name, module_id)

    def module_of_answers(self, raw, name: str) -> str:
        """The guide a set of raw answers belongs to, from its question ids."""
        modules = (
            {self.kb.questions[f].module for f in raw if isinstance(f, str) and f in self.kb.questions} if isinstance(raw, dict) else set()
        )
        if len(modules) != 1:
            found = ", ".join(sorted(modules)) or "none"
            raise AnswerError(
                Problem(
                    name,
                    0,
                    f"cannot tell which guide these answers belong to (guides found: {found})",
                    "give the answers of one guide per file",
                )
            )
        return modules.pop()

    def inputs_from(self, module_id: str, given: Iterable[Outcome | Consultation]) -> dict:
        """The facts `module_id` lists under `inputs:`, taken from other guides' results."""
        wanted = self.kb.modules[module_id].inputs
        found: dict = {}
        for item in given:
            outcome = item.outcome() if isinstance(item, Consultation) else item
            for fact in wanted:
                if fact in outcome.conclusions:
                    found[fact] = outcome.conclusions[fact]
                elif fact in outcome.answers:
                    found[fact] = outcome.answers[fact]
        return found

    def evaluate(
        self,
        module_id: str,
        answers: Mapping,
        *,
        as_of: datetime.date | None = None,
        given: Iterable[Outcome | Consultation] = (),
        name: str = "answers",
        explore_unknowns: bool = True,
    ) -> Outcome:
        """The outcome of a finished set of raw answers (an answers file, an API request body).

        A question the interview needs but the answers leave out counts as not applicable
        and is listed in `plan.not_answered` (see engine.planner.replay)."""
        parsed = self.parse_answers(module_id, answers, name)
        inputs = self.inputs_from(module_id, given)
        return consult(self.module(module_id), {**inputs, **parsed}, explore_unknowns, close_unanswered=True, as_of=as_of)

    def consultation(
        self,
        module_id: str,
        *,
        lang: str = "sv",
        as_of: datetime.date | None = None,
        given: Iterable[Outcome | Consultation] = (),
    ) -> Consultation:
        self.module(module_id)
        given = list(given)
        consultation = Consultation(self, module_id, _lang(lang), as_of, self.inputs_from(module_id, given))
        carried = self.carried_answers(module_id, given)
        if carried:
            consultation._answers.update(carried)
            consultation._replan(prune=True)
        return consultation

    def carried_answers(self, module_id: str, given: Iterable[Outcome | Consultation]) -> dict:
        """Answers that other guides hand over to `module_id` (e.g. MDR → IVDR, engine.handover):
        only from a guide whose result calls for the handover, and only the answers the two share."""
        from engine.handover import handover_answers, handovers_offered

        carried: dict = {}
        for item in given:
            outcome = item.outcome() if isinstance(item, Consultation) else item
            facts = {**outcome.answers, **outcome.conclusions}
            if module_id in handovers_offered(self.kb, outcome.module, facts):
                carried.update(handover_answers(self.kb, outcome.module, outcome.answers, module_id))
        return carried

    def restore(self, data: Mapping) -> Consultation:
        """A consultation from `Consultation.to_dict()` data (raises AnswerError if it is not that).

        Answers that no longer fit the knowledge base (it changed since) are left out and
        listed in `dropped`, so the rest of a saved consultation is never lost."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise AnswerError(Problem("consultation", 0, "this is not a saved consultation", f'give data with "format": "{FORMAT}"'))
        module_id = data.get("module")
        if not isinstance(module_id, str):
            raise AnswerError(Problem("consultation", 0, "the saved consultation names no module", "save it again"))
        self.module(module_id)
        as_of = None
        if data.get("as_of") is not None:
            as_of, error = check_value(self.kb, AS_OF, data["as_of"])
            if error:
                raise AnswerError(Problem("as_of", 0, *error.split(" — ", 1)))
        consultation = Consultation(self, module_id, _lang(data.get("lang")), as_of, {})
        inputs = data.get("inputs") or {}
        if isinstance(inputs, Mapping):
            for fact, raw in inputs.items():
                if fact in self.kb.modules[module_id].inputs:
                    value, error = check_value(self.kb, fact, raw)
                    if not error:
                        consultation.inputs[fact] = value
        answers = data.get("answers")
        for item in answers if isinstance(answers, list) else ():
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
                consultation.dropped.append((show(item), "not a [question, answer] pair"))
                continue
            question, raw = item
            try:
                consultation._set(question, raw)
            except AnswerError as exc:
                consultation.dropped.append((question, exc.message))
        consultation._replan(prune=True)
        return consultation


def _lang(lang) -> str:
    return lang if lang in LANGUAGES else "sv"


@dataclass(frozen=True)
class Change:
    """A conclusion that would change: its value now and its value with the changed answers."""

    fact: str
    before: object  # engine.model.ABSENT when there is none
    after: object


@dataclass(frozen=True)
class WhatIf:
    changes: tuple[Change, ...]  # goals first, then the other conclusions, in module order
    outcome: Outcome  # the outcome with the changed answers
    next_question: str | None  # a question the changed answers would make necessary


class Consultation:
    """One user working through one guide. Answers are kept in the order given; the planner
    decides what to ask, so `answer` only takes the question being asked, and `change`
    only one already answered. After a change, answers that no longer matter are removed."""

    def __init__(self, workspace: Workspace, module_id: str, lang: str, as_of: datetime.date | None, inputs: dict) -> None:
        self.workspace = workspace
        self.module_id = module_id
        self.lang = lang
        self.as_of = as_of  # None: today, whenever the consultation is looked at
        self.inputs = inputs  # conclusions of other guides this guide reads
        self.dropped: list[tuple[str, str]] = []  # (question, why) of saved answers that no longer fit
        self._answers: dict = {}
        self._plan: Plan | None = None
        self._interview: Interview | None = None  # kept between answers, so a step re-reads only what it changes
        self._outcome: Outcome | None = None
        self._relevance: Relevance | None = None

    # --- reading --------------------------------------------------------------------

    @property
    def compiled(self) -> CompiledModule:
        return self.workspace.module(self.module_id)

    @property
    def kb(self) -> KnowledgeBase:
        return self.workspace.kb

    @property
    def answers(self) -> dict:
        """The answers given, in the order given (question id → model value)."""
        return dict(self._answers)

    @property
    def plan(self) -> Plan:
        if self._plan is None:
            self._replan(prune=False)
        return self._plan

    @property
    def next_question(self) -> Question | None:
        qid = self.plan.next_question
        return self.kb.questions[qid] if qid else None

    @property
    def complete(self) -> bool:
        return self.plan.complete

    def date(self) -> datetime.date:
        """The date the law is applied as of."""
        return self.as_of or datetime.date.today()

    def progress(self) -> tuple[int, int]:
        """(questions answered, questions that may still be asked at most)."""
        state = self.plan.state
        maybe = sum(1 for q in self.compiled.questions if not state.is_settled(q.id))
        return len(self._answers), maybe if self.plan.next_question else 0

    def outcome(self) -> Outcome:
        if self._outcome is None:
            self._outcome = consult(self.compiled, self._facts(), as_of=self.date())
        return self._outcome

    def why(self, question_id: str | None = None) -> Why:
        """Why a question is asked: the open goals its answer can still change, and through which
        rules or gated questions. Without an id: the question being asked now."""
        qid = question_id or self.plan.next_question
        if qid is None:
            raise AnswerError(Problem("question", 0, "no question is being asked", "the consultation is finished"))
        self.workspace.question(self.module_id, qid)
        if self._relevance is None:
            self._relevance = Relevance(self.compiled, self.plan.state)
        return self._relevance.why(qid)

    def how(self, fact: str):
        from explanations.how import how

        self._check_conclusion(fact)
        return how(self.compiled, self.outcome(), fact)

    def why_not(self, fact: str, raw_value):
        from explanations.how import why_not

        self._check_conclusion(fact)
        value, error = check_value(self.kb, fact, raw_value)
        if error:
            raise AnswerError(Problem(fact, 0, *error.split(" — ", 1)))
        return why_not(self.compiled, self.outcome(), fact, value)

    def handovers(self) -> list[str]:
        """The guides this consultation's result hands over to (e.g. an IVD found by the MDR guide)."""
        from engine.handover import handovers_offered

        outcome = self.outcome()
        return [m for m in handovers_offered(self.kb, self.module_id, {**outcome.answers, **outcome.conclusions}) if m != self.module_id]

    def nearest(self):
        """The counterfactual search around the current outcome (explanations.counterfactual.Search:
        `.nearest[goal]` lists the smallest changes of answers giving another value). Kept until the
        answers change."""
        from explanations.counterfactual import search

        outcome = self.outcome()
        if getattr(self, "_search_for", None) is not outcome:
            self._search, self._search_for = search(self.compiled, outcome), outcome
        return self._search

    def explain(self, fact: str):
        """Complete, minimal reasons for a conclusion (explanations.explain.Explanation): the decisive
        chain, the answers it rests on, the full proof and the nearest other outcomes."""
        from explanations.explain import explain

        self._check_conclusion(fact)
        return explain(self.compiled, self.outcome(), fact, self.nearest())

    def why_not_in_words(self, fact: str, raw_value):
        """Why a conclusion did not get a value, in the user's answers (explanations.explain.WhyNotWords);
        render with explanations.render.why_not_text or why_not_words_markdown."""
        from explanations.explain import why_not_words

        self._check_conclusion(fact)
        value, error = check_value(self.kb, fact, raw_value)
        if error:
            raise AnswerError(Problem(fact, 0, *error.split(" — ", 1)))
        return why_not_words(self.compiled, self.outcome(), fact, value, self.nearest())

    def what_if(self, changes: Mapping[str, object]) -> WhatIf:
        """What would change if some answers were different (the consultation itself does not)."""
        trial = dict(self._answers)
        for qid, raw in changes.items():
            trial[qid] = self._value(qid, raw)
        after = consult(self.compiled, {**self.inputs, **trial}, as_of=self.date())
        before = self.outcome()
        order = list(self.compiled.module.goals) + [f for f in self.compiled.concluders if f not in self.compiled.module.goals]
        diffs = tuple(
            Change(f, before.conclusions.get(f, ABSENT), after.conclusions.get(f, ABSENT))
            for f in order
            if before.conclusions.get(f, ABSENT) != after.conclusions.get(f, ABSENT)
        )
        return WhatIf(diffs, after, after.next_question)

    # --- answering ------------------------------------------------------------------

    def answer(self, question_id: str, raw_value) -> None:
        """Answer the question being asked. `raw_value` as a form or file gives it: true/false,
        a choice id, a list of choice ids, a number, 'YYYY-MM-DD', or 'dont_know'."""
        expected = self.plan.next_question
        if question_id != expected:
            self.workspace.question(self.module_id, question_id)  # unknown id: say so first
            if question_id in self._answers:
                raise AnswerError(Problem(question_id, 0, "this question is already answered", "change the answer instead"))
            raise AnswerError(
                Problem(
                    question_id,
                    0,
                    "this question is not being asked now",
                    f"answer '{expected}' first" if expected else "the consultation is finished",
                )
            )
        value = self._value(question_id, raw_value)
        if self._interview is None:  # after a change or back: take up the answers once
            self._interview = Interview(self.compiled, self._given())
            for qid in self.plan.used:
                if qid in self._answers:
                    self._interview.answer(qid, self._answers[qid])
        self._answers[question_id] = value
        self._interview.answer(question_id, value)
        self._plan = self._interview.plan()
        self._outcome = None
        self._relevance = None

    def change(self, question_id: str, raw_value) -> None:
        """Change an earlier answer; answers that no longer matter disappear."""
        if question_id not in self._answers:
            self.workspace.question(self.module_id, question_id)
            raise AnswerError(Problem(question_id, 0, "this question has not been answered", "answer it when it is asked"))
        self._answers[question_id] = self._value(question_id, raw_value)
        self._replan(prune=True)

    def back(self) -> str | None:
        """Take back the last answer; returns its question id (None when there was none)."""
        if not self._answers:
            return None
        qid = next(reversed(self._answers))
        del self._answers[qid]
        self._replan(prune=False)
        return qid

    def resume(self, raw: Mapping, name: str = "answers") -> None:
        """Go on from a set of earlier answers (an answers file); those the interview does not
        need are left out. Raises AnswerError naming `name` when one does not fit."""
        parsed = self.workspace.parse_answers(self.module_id, raw, name)
        inputs = self.compiled.module.inputs
        self.inputs.update({f: v for f, v in parsed.items() if f in inputs})
        self._answers.update({f: v for f, v in parsed.items() if f not in inputs})
        self._replan(prune=True)

    def set_as_of(self, as_of: datetime.date | None) -> None:
        """Apply the law as of another date (None: today). Answers are kept, even those the
        date makes unneeded, so that moving the date back loses nothing."""
        self.as_of = as_of
        self._replan(prune=False)

    # --- saving ---------------------------------------------------------------------

    @classmethod
    def from_dict(cls, workspace: Workspace, data: Mapping) -> Consultation:
        """The consultation saved by `to_dict` (see `Workspace.restore`)."""
        return workspace.restore(data)

    def to_dict(self) -> dict:
        """JSON-safe data: module, answers in the order given, language, date, knowledge-base version."""
        from explanations.jsonview import plain

        return {
            "format": FORMAT,
            "module": self.module_id,
            "lang": self.lang,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "kb_version": self.kb.version,
            "answers": [[q, plain(self.kb, q, v)] for q, v in self._answers.items()],
            "inputs": {f: plain(self.kb, f, v) for f, v in self.inputs.items()},
        }

    # --- inside ---------------------------------------------------------------------

    def _value(self, question_id: str, raw_value):
        self.workspace.question(self.module_id, question_id)
        value, error = check_value(self.kb, question_id, raw_value)
        if error:
            message, _, fix = error.partition(" — ")
            raise AnswerError(Problem(question_id, 0, message, fix))
        return value

    def _set(self, question_id: str, raw_value) -> None:
        self._answers[question_id] = self._value(question_id, raw_value)

    def _facts(self) -> dict:
        return {**self.inputs, **self._answers}

    def _given(self) -> dict:
        return {**self.inputs, AS_OF: self.date()}

    def _replan(self, prune: bool) -> None:
        self._plan = replay(self.compiled, {**self._facts(), AS_OF: self.date()})
        self._interview = None
        self._outcome = None
        self._relevance = None
        if prune and self._plan.unused:
            for qid in self._plan.unused:
                self._answers.pop(qid, None)

    def _check_conclusion(self, fact: str) -> None:
        if fact not in self.compiled.concluders:
            hint = did_you_mean(fact, self.compiled.concluders) or f"choose one of: {', '.join(self.compiled.concluders)}"
            raise AnswerError(Problem("fact", 0, f"{show(fact)} is not a conclusion of the guide '{self.module_id}'", hint))


__all__ = ["Workspace", "Consultation", "Change", "WhatIf", "Why", "kb_root", "choose_backend", "FORMAT"]
