"""The CLIPS backend: each rule step becomes a CLIPS 6.4 environment (through clipspy).

Nothing from YAML reaches CLIPS as code. Fact ids become integers and string values become
generated symbols (`s1`, `s2`, …; `s0` for a string no rule mentions), so the only text we
build is made of fixed templates, those generated names and numbers we format ourselves;
every token is checked against a strict pattern before CLIPS sees it. Values arrive as data,
converted by clipspy, through one deffunction call per step.

A fact is `(vv (id N) (k KIND) (v VALUES…))`, KIND one of str, bool, num, date (the day
number of a date), set (sorted codes of a multichoice value), nan (a number no comparison holds for), dk (DONT_KNOW) or none
(ABSENT). Each comparison compiles to one pattern whose predicate reproduces
`engine.conditions.test_value` exactly for the values the engine produces (bool, str, int,
float, frozenset of str, DONT_KNOW, ABSENT), including Python's `in` treating True as 1,
and the rule that a comparison and its negation are both false without a value. A condition is expanded to disjunctive normal form and every term is
a defrule, so a firing names the term, hence the facts it matched, as experta reports them.

Limits, said plainly: integers beyond 64 bits and numbers beyond 2**53 are compared as
doubles; a rule whose condition expands to more than MAX_TERMS terms is refused.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping, Sequence

from engine.backends import MAX_CONDITION_TERMS, RuleSpec
from engine.logic import Firing
from engine.model import ABSENT, DONT_KNOW, All, Any_, Compare, Condition, is_date

#: A condition whose disjunctive normal form has more terms than this is refused (check refuses it first).
MAX_TERMS = MAX_CONDITION_TERMS

_INT64 = 2**63 - 1
_MAX_FLOAT = "1.7976931348623157e+308"
_NEVER = "(not TRUE)"  # a test no fact passes
#: Every token we put in CLIPS code: generated names, fixed keywords, numbers we formatted.
_SAFE_TOKEN = re.compile(r"^(?:[a-z][a-z0-9-]*|\?[a-z]+[0-9]*|\?\*[a-z]+\*|\$\?[a-z]+[0-9]*|-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)$")
_NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?(?:e[+-][0-9]+)?$")

_PRELUDE = """
(deftemplate vv (slot id (type INTEGER)) (slot k (type SYMBOL)) (multislot v))
(defglobal ?*vvfired* = (create$))
(deffunction vv-fire ($?d)
  (reset)
  (bind ?*vvfired* (create$))
  (bind ?i 1)
  (bind ?end (length$ ?d))
  (while (<= ?i ?end)
    (bind ?c (nth$ (+ ?i 2) ?d))
    (assert (vv (id (nth$ ?i ?d)) (k (nth$ (+ ?i 1) ?d)) (v (subseq$ ?d (+ ?i 3) (+ ?i 2 ?c)))))
    (bind ?i (+ ?i 3 ?c)))
  (run)
  (bind ?fired ?*vvfired*)
  (bind ?*vvfired* (create$))
  (reset)
  ?fired)
"""


class ClipsBackend:
    name = "clips"

    def compile(self, steps: Sequence[Sequence[RuleSpec]]) -> ClipsProgram:
        codes = _Codebook(steps)
        fact_numbers: dict[str, int] = {}
        return ClipsProgram([_Step(step, codes, fact_numbers) for step in steps], codes)


class ClipsProgram:
    def __init__(self, steps: list[_Step], codes: _Codebook) -> None:
        self._steps = steps
        self._codes = codes

    def fire(self, step: int, facts: Mapping[str, object]) -> list[Firing]:
        return self._steps[step].fire(facts, self._codes)

    def source(self) -> str:
        """The CLIPS code generated from the rules (for reading and for the safety tests)."""
        return "\n".join(text for step in self._steps for text in step.constructs)


class _Codebook:
    """String values → generated symbols. Only strings that some comparison mentions get one."""

    def __init__(self, steps: Sequence[Sequence[RuleSpec]]) -> None:
        import clips

        self.symbol = clips.Symbol
        self._codes: dict[str, str] = {}
        for step in steps:
            for _, cond in step:
                for cmp in _comparisons(cond):
                    for item in cmp.operand if isinstance(cmp.operand, tuple) else (cmp.operand,):
                        if isinstance(item, str) and item not in self._codes:
                            self._codes[item] = f"s{len(self._codes) + 1}"
        self.kinds = {k: clips.Symbol(k) for k in ("str", "bool", "num", "date", "nan", "set", "dk", "none")}
        self._symbols = {s: clips.Symbol(c) for s, c in self._codes.items()}
        self._unknown = clips.Symbol("s0")
        self._true, self._false = clips.Symbol("TRUE"), clips.Symbol("FALSE")

    def code(self, text: str) -> str:
        """The generated name of a string an operand mentions (for CLIPS code)."""
        return self._codes[text]

    def order(self, text: str) -> int:
        return int(self._codes[text][1:]) if text in self._codes else 0

    def encode(self, number: int, value) -> list:
        """A fact as data for vv-fire: id, kind, count, values."""
        if value is DONT_KNOW:
            return [number, self.kinds["dk"], 0]
        if value is ABSENT:
            return [number, self.kinds["none"], 0]
        if isinstance(value, bool):
            return [number, self.kinds["bool"], 1, self._true if value else self._false]
        if isinstance(value, str):
            return [number, self.kinds["str"], 1, self._symbols.get(value, self._unknown)]
        if isinstance(value, int):
            return [number, self.kinds["num"], 1, value if -_INT64 <= value <= _INT64 else float(value)]
        if isinstance(value, float):  # CLIPS would call nan greater than anything; Python calls it nothing
            return [number, self.kinds["nan"], 0] if math.isnan(value) else [number, self.kinds["num"], 1, value]
        if is_date(value):
            return [number, self.kinds["date"], 1, value.toordinal()]
        if isinstance(value, frozenset) and all(isinstance(v, str) for v in value):
            members = sorted(value, key=self.order)
            return [number, self.kinds["set"], len(members)] + [self._symbols.get(v, self._unknown) for v in members]
        raise TypeError(f"the clips backend cannot represent the value {value!r}")


class _Step:
    """One rule step: a CLIPS environment with one defrule per DNF term of each rule."""

    def __init__(self, rules: Sequence[RuleSpec], codes: _Codebook, fact_numbers: dict[str, int]) -> None:
        import clips

        self._terms: list[tuple[str, tuple[str, ...]]] = []  # term number → (rule id, facts it matches)
        read: dict[str, int] = {}
        constructs = []
        for rule_id, cond in rules:
            for term in _dnf(cond):
                facts = tuple(dict.fromkeys(c.fact for c in term))
                for fact in facts:
                    read.setdefault(fact, fact_numbers.setdefault(fact, len(fact_numbers) + 1))
                number = len(self._terms)
                self._terms.append((rule_id, facts))
                patterns = " ".join(_pattern(c, n, fact_numbers[c.fact], codes) for n, c in enumerate(term))
                constructs.append(f"(defrule vv-t{number} {patterns} => (bind ?*vvfired* (create$ ?*vvfired* {number})))")
        self._reads = tuple(read.items())
        self.constructs = tuple(constructs)
        self._lock = threading.Lock()  # a CLIPS environment runs one thing at a time
        self._env = clips.Environment()
        for text in _split_constructs(_PRELUDE):  # fixed text, written here
            self._env.build(text)
        routers = list(self._env.routers())
        for router in routers:  # clipspy's error router is asked about every token CLIPS echoes while building
            router.deactivate()
        try:
            for text in constructs:  # generated: checked token by token
                _check_tokens(text)
                try:
                    self._env.build(text)
                except clips.CLIPSError:
                    for router in routers:
                        router.activate()
                    self._env.build(text)  # again, so that the error carries CLIPS's message
                    raise
        finally:
            for router in routers:
                router.activate()
        self._fire = self._env.find_function("vv-fire")

    def fire(self, facts: Mapping[str, object], codes: _Codebook) -> list[Firing]:
        data: list = []
        for fact, number in self._reads:
            if fact in facts:
                data.extend(codes.encode(number, facts[fact]))
        with self._lock:
            fired = self._fire(*data)
        matched: dict[str, dict] = {}
        for term in fired:
            rule_id, read = self._terms[term]
            matched.setdefault(rule_id, {}).update((f, facts[f]) for f in read)
        return [Firing(rule, tuple(sorted(m.items()))) for rule, m in matched.items()]


def _comparisons(cond: Condition):
    if isinstance(cond, Compare):
        yield cond
    else:
        for part in cond.parts:
            yield from _comparisons(part)


def _dnf(cond: Condition) -> list[tuple[Compare, ...]]:
    """The condition as a list of terms, each a conjunction of comparisons."""
    if isinstance(cond, Compare):
        return [(cond,)]
    if isinstance(cond, Any_):
        terms = [t for part in cond.parts for t in _dnf(part)]
    elif isinstance(cond, All):
        terms = [()]
        for part in cond.parts:
            terms = [a + b for a in terms for b in _dnf(part)]
            if len(terms) > MAX_TERMS:
                break
    else:
        raise TypeError(f"condition not in negation normal form: {cond!r}")
    if len(terms) > MAX_TERMS:
        raise ValueError(f"a condition expands to more than {MAX_TERMS} alternatives; split the rule ({cond.origin})")
    return terms


def _pattern(cmp: Compare, n: int, fact_number: int, codes: _Codebook) -> str:
    test = _test(cmp, f"?k{n}", f"?v{n}", codes)
    return f"(vv (id {fact_number}) (k ?k{n}) (v $?v{n}&:{test}))"


def _test(cmp: Compare, k: str, v: str, codes: _Codebook) -> str:
    """A CLIPS expression over the fact's kind `k` and values `v` equal to test_value(cmp, value)."""
    if cmp.op == "known":
        return f"(and (neq {k} dk) (neq {k} none))" if cmp.operand else f"(or (eq {k} dk) (eq {k} none))"
    positive = _compare(cmp.op, cmp.operand, k, v, codes)
    if not cmp.negated:
        return positive
    return f"(and (neq {k} dk) (neq {k} none) (not {positive}))"


def _compare(op: str, operand, k: str, v: str, codes: _Codebook) -> str:
    first = f"(nth$ 1 {v})"
    if op == "equals":
        if isinstance(operand, tuple):  # equal only to a multichoice value with exactly these members
            members = _members(operand, codes)
            if members is None:
                return _NEVER  # a member that is not a string: no set of strings equals it
            return f"(and (eq {k} set) (eq {v} (create$ {' '.join(members)})))"
        if isinstance(operand, bool):
            return f"(and (eq {k} bool) (eq {first} {'TRUE' if operand else 'FALSE'}))"
        if isinstance(operand, str):
            return f"(and (or (eq {k} str) (eq {k} set)) (= (length$ {v}) 1) (eq {first} {codes.code(operand)}))"
        if isinstance(operand, (int, float)):
            return _number_test("=", operand, k, first)
        if is_date(operand):
            return _date_test("=", operand, k, first)
        return _NEVER
    if op == "in":  # Python's `in`: equality, where True == 1 and False == 0
        parts = []
        strings = [codes.code(x) for x in operand if isinstance(x, str)]
        if strings:
            parts.append(f"(and (eq {k} str) (member$ {first} (create$ {' '.join(strings)})))")
        for x in operand:
            if is_date(x):
                parts.append(_date_test("=", x, k, first))
            elif isinstance(x, (bool, int, float)) and not isinstance(x, str):
                parts.append(_number_test("=", int(x) if isinstance(x, bool) else x, k, first))
                if x == 1:
                    parts.append(f"(and (eq {k} bool) (eq {first} TRUE))")
                elif x == 0:
                    parts.append(f"(and (eq {k} bool) (eq {first} FALSE))")
            elif not isinstance(x, str):
                _hashable(x)
        return _either(parts)
    if op in ("contains", "contains_any"):
        items = (operand,) if op == "contains" else operand
        for x in items:
            _hashable(x)
        strings = [codes.code(x) for x in items if isinstance(x, str)]
        if not strings:
            return _NEVER
        return f"(and (eq {k} set) {_either([f'(member$ {c} {v})' for c in strings])})"
    symbol = {"greater_than": ">", "less_than": "<", "at_least": ">=", "at_most": "<="}[op]
    if is_date(operand):
        return _date_test(symbol, operand, k, first)
    return _number_test(symbol, operand, k, first)


def _date_test(symbol: str, operand, k: str, first: str) -> str:
    """`first <symbol> operand` for a fact of kind date: dates travel as their day numbers."""
    return f"(and (eq {k} date) ({symbol} {first} {int(operand.toordinal())}))"


def _either(parts: list[str]) -> str:
    """CLIPS `or` needs two arguments or more."""
    if not parts:
        return _NEVER
    return parts[0] if len(parts) == 1 else f"(or {' '.join(parts)})"


def _number_test(symbol: str, operand, k: str, first: str) -> str:
    """`first <symbol> operand` for a fact of kind num, with Python's rules for inf and nan."""
    if isinstance(operand, bool) or not isinstance(operand, (int, float)):
        raise ValueError(f"not a number: {operand!r}")
    number = float(operand) if isinstance(operand, int) and abs(operand) > _INT64 else operand
    guard = f"(eq {k} num)"
    if isinstance(number, float) and math.isnan(number):
        return _NEVER  # nothing compares true with nan
    if isinstance(number, float) and math.isinf(number):
        top = number > 0
        finite_or_other = {  # x against +inf / -inf, for x a float (nan compares false)
            ("=", True): f"(> {first} {_MAX_FLOAT})",
            ("=", False): f"(< {first} -{_MAX_FLOAT})",
            (">", True): _NEVER,
            (">", False): f"(>= {first} -{_MAX_FLOAT})",
            ("<", True): f"(<= {first} {_MAX_FLOAT})",
            ("<", False): _NEVER,
            (">=", True): f"(> {first} {_MAX_FLOAT})",
            (">=", False): f"(or (>= {first} -{_MAX_FLOAT}) (< {first} -{_MAX_FLOAT}))",
            ("<=", True): f"(or (<= {first} {_MAX_FLOAT}) (> {first} {_MAX_FLOAT}))",
            ("<=", False): f"(< {first} -{_MAX_FLOAT})",
        }[(symbol, top)]
        return f"(and {guard} {finite_or_other})"
    text = str(number) if isinstance(number, int) else repr(number)
    if not _NUMBER.match(text):
        raise ValueError(f"cannot write the number {operand!r} safely")
    return f"(and {guard} ({symbol} {first} {text}))"


def _members(operand: tuple, codes: _Codebook) -> list[str] | None:
    """The sorted codes of a set operand, or None when it has a member that is not a string."""
    for x in operand:
        _hashable(x)
    if not all(isinstance(x, str) for x in operand):
        return None
    return [codes.code(x) for x in sorted(set(operand), key=codes.order)]


def _hashable(x) -> None:
    try:
        hash(x)
    except TypeError:
        raise ValueError(f"the operand {x!r} cannot be compared (a list inside a list?)") from None


def _split_constructs(text: str) -> list[str]:
    """The prelude holds several constructs; build each on its own."""
    out, depth, start = [], 0, None
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                out.append(text[start : i + 1])
    return out


def _check_tokens(text: str) -> None:
    """Defence in depth: every token of generated CLIPS code is one we could have written."""
    for token in text.replace("(", " ").replace(")", " ").split():
        if token in ("=>", "=", "<", ">", ">=", "<=", "+", "TRUE", "FALSE", "nth$", "length$", "subseq$", "create$", "member$"):
            continue
        for piece in token.split("&:"):
            if piece and piece not in ("TRUE", "FALSE") and not _SAFE_TOKEN.match(piece):
                raise ValueError(f"refusing to give CLIPS the token {piece!r}")
