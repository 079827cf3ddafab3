"""The knowledge model: plain, typed data classes for everything the YAML describes.

Nothing here reads files or runs rules. The loader (`engine.loader`) builds these objects
and checks them; the inference, planner and explanation steps only read them. Every object
remembers where it came from (`Origin`) so that later steps can point an advisor at the
exact file and line.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Union

LANGUAGES = ("sv", "en")


class _Marker:
    """A named singleton used for 'no ordinary value' states of a fact."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self):  # keep identity across copy/pickle
        return self.name


#: The user answered "I don't know". A valid answer to every question.
DONT_KNOW = _Marker("DONT_KNOW")
#: The fact has no value and never will: the question was not applicable (its `ask_if`
#: is false) or no rule concluded the derived fact.
ABSENT = _Marker("ABSENT")

#: A goal that more answers would still decide (a branch of "I don't know" that stays open).
UNDECIDED = _Marker("UNDECIDED")

#: The spelling of "I don't know" in answers files and forms.
DONT_KNOW_WORD = "dont_know"

FACT_TYPES = ("boolean", "choice", "multichoice", "number", "date")

#: The built-in fact every consultation has: the date the law is applied as of (today unless
#: the user picks another). Rules compare it with dates written in YAML ("from 2030-12-31").
AS_OF = "as_of"

#: A fact's value: bool, str (choice), frozenset[str] (multichoice), int/float (number),
#: datetime.date (date).
Value = Union[bool, str, frozenset, int, float, datetime.date]


def is_date(value) -> bool:
    """A calendar date (a datetime, which has a time of day too, is not one)."""
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


@dataclass(frozen=True)
class Origin:
    """Where something was written: a file (relative to the knowledge-base root) and a line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Text:
    """A user-facing text in Swedish and English."""

    sv: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.sv


@dataclass(frozen=True)
class Source:
    """A legal text or guidance document that rules cite."""

    id: str
    title: Text
    citation: str
    url: str
    version: str
    note: Text | None
    origin: Origin


@dataclass(frozen=True)
class SourceRef:
    """A citation of a source at a pinpoint (article, section, paragraph)."""

    source: str
    pinpoint: str = ""


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice or multichoice fact, with its label. An `exclusive`
    choice of a multichoice fact (such as 'none') cannot be ticked together with others."""

    id: str
    label: Text
    exclusive: bool = False


@dataclass(frozen=True)
class Definition:
    """A term explained in plain words, with the source that defines it."""

    term: Text
    meaning: Text
    source: SourceRef | None


# --- conditions -----------------------------------------------------------------------

COMPARISONS = (
    "equals",
    "in",
    "contains",
    "contains_any",
    "greater_than",
    "less_than",
    "at_least",
    "at_most",
    "known",
)


@dataclass(frozen=True)
class Compare:
    """A test on one fact: `fact <op> operand`. `negated` is set by pushing `not` inward.

    A comparison other than `known` is true only for a fact that has a value: an answer of
    "I don't know" or a question that was not asked makes both it and its negation false.
    """

    fact: str
    op: str
    operand: object
    origin: Origin
    negated: bool = False


@dataclass(frozen=True)
class All:
    parts: tuple[Condition, ...]
    origin: Origin


@dataclass(frozen=True)
class Any_:
    parts: tuple[Condition, ...]
    origin: Origin


@dataclass(frozen=True)
class Not:
    part: Condition
    origin: Origin


Condition = Union[Compare, All, Any_, Not]


# --- questions, conclusions, rules ----------------------------------------------------


@dataclass(frozen=True)
class Question:
    """Something the interview asks. Its id is the fact id its answer sets."""

    id: str
    module: str
    type: str
    text: Text
    short: Text | None  # a few words naming the question, for lists and conditions
    help: Text | None
    choices: tuple[Choice, ...]
    ask_if: Condition | None
    definitions: tuple[Definition, ...]
    sources: tuple[SourceRef, ...]
    unit: str
    origin: Origin

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.choices)


@dataclass(frozen=True)
class ConclusionType:
    """A fact that rules conclude. `resolve` says what happens when rules disagree:
    `priority` (the rule with the highest priority wins) or `highest` (the value listed
    last among `values` wins, e.g. the strictest MDR class). Multichoice conclusions collect
    every concluded value."""

    id: str
    module: str
    type: str
    text: Text
    choices: tuple[Choice, ...]
    resolve: str
    resolve_because: Text | None
    resolve_sources: tuple[SourceRef, ...]
    origin: Origin

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.choices)


@dataclass(frozen=True)
class Recommendation:
    id: str
    text: Text


@dataclass(frozen=True)
class Rule:
    """If `when` holds, conclude `conclude` and recommend `recommend`, `because` of `sources`."""

    id: str
    module: str
    title: Text
    when: Condition
    conclude: tuple[tuple[str, Value], ...]
    recommend: tuple[Recommendation, ...]
    because: Text
    sources: tuple[SourceRef, ...]
    priority: int
    origin: Origin
    #: An author's remark for advisors ("section not read", "to be checked"); `vagvisare check`
    #: lists it, and it never reaches users (not in explanations, reports or the trace).
    note_for_advisors: str = ""


@dataclass(frozen=True)
class TestCase:
    """A knowledge-base test: answers in, exact conclusions out (OpenFisca style)."""

    id: str
    module: str
    description: str
    answers: dict
    expected: dict
    rules_fired: tuple[str, ...]
    sources_cited: tuple[str, ...]
    complete: bool | None
    source: str
    origin: Origin
    as_of: datetime.date | None = None  # the date the case applies the law as of (None: today)


@dataclass(frozen=True)
class AnswerMapping:
    """One answer a handover carries over: the source module's fact `source` becomes this
    module's question `target`. `values` maps choice values (None: the same values); a value
    it does not list is not carried over."""

    source: str
    target: str
    values: tuple[tuple[str, str], ...] | None
    origin: Origin
    values_origin: Origin | None = None  # where `values:` is written


@dataclass(frozen=True)
class Handover:
    """Where another guide hands over to this one: when `when` holds for the other guide's
    facts (answers and conclusions), its answers in `answers` carry over (engine.handover)."""

    source_module: str
    when: Condition | None
    answers: tuple[AnswerMapping, ...]
    origin: Origin


#: Who a guide is for: `public` guides are offered to everyone; `advisors` guides (triage) only
#: to the programme's advisors.
AUDIENCES = ("public", "advisors")


@dataclass(frozen=True)
class Module:
    """A guide (e.g. `mdr`): its goal conclusions and, in knowledge-base order, its parts."""

    id: str
    title: Text
    intro: Text
    goals: tuple[str, ...]
    inputs: tuple[str, ...]  # facts of other modules this module reads, given with the answers
    origin: Origin
    version: str = ""  # the advisors' version text of the guide (e.g. the date its rules were last read)
    audience: str = "public"  # one of AUDIENCES
    handovers: tuple[Handover, ...] = ()  # other guides that hand over to this one


@dataclass
class KnowledgeBase:
    """Everything loaded and validated. Treat as read-only after loading."""

    root: str
    version: str = ""  # sha256 of every YAML file (engine.loader.content_hash): the exact rules behind advice
    sources: dict[str, Source] = field(default_factory=dict)
    modules: dict[str, Module] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    conclusions: dict[str, ConclusionType] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    tests: list[TestCase] = field(default_factory=list)

    def fact_type(self, fact: str) -> str | None:
        if fact == AS_OF:
            return "date"
        decl = self.questions.get(fact) or self.conclusions.get(fact)
        return decl.type if decl else None

    def fact_values(self, fact: str) -> tuple[str, ...]:
        decl = self.questions.get(fact) or self.conclusions.get(fact)
        return decl.values if decl else ()

    def exclusive_values(self, fact: str) -> tuple[str, ...]:
        decl = self.questions.get(fact) or self.conclusions.get(fact)
        return tuple(c.id for c in decl.choices if c.exclusive) if decl else ()

    def module_questions(self, module: str) -> list[Question]:
        return [q for q in self.questions.values() if q.module == module]

    def module_rules(self, module: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.module == module]

    def label(self, fact: str, value: str, lang: str) -> str:
        decl = self.questions.get(fact) or self.conclusions.get(fact)
        for choice in decl.choices if decl else ():
            if choice.id == value:
                return choice.label.get(lang)
        return str(value)
