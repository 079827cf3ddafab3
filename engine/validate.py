"""Cross-reference checks over the loaded model, each reported as `file:line: what — fix`.

The loader has already checked each file on its own (keys, types of YAML values). Here we
check what ties files together: fact ids, values, sources, goals, test cases, rules that
can never fire, and conclusions that depend on each other in a circle.
"""

from __future__ import annotations

import datetime
import itertools

import networkx as nx

from engine.answers import check_value
from engine.backends import MAX_CONDITION_TERMS
from engine.conditions import NUMERIC, around, comparisons, facts_in, to_nnf
from engine.logic import F, T, U, truth
from engine.model import ABSENT, AS_OF, Any_, Compare, KnowledgeBase, SourceRef, is_date
from engine.problems import Problem, did_you_mean

#: Rules whose condition reads more combinations than this are not checked for satisfiability.
MAX_COMBINATIONS = 20_000

ALLOWED_OPS = {
    "boolean": ("equals", "known"),
    "choice": ("equals", "in", "known"),
    "multichoice": ("equals", "contains", "contains_any", "known"),
    "number": ("equals", "known") + NUMERIC,
    "date": ("equals", "known") + NUMERIC,
}


def validate(kb: KnowledgeBase, today: datetime.date | None = None, also_cited: set[str] | frozenset = frozenset()) -> list[Problem]:
    """Every cross-reference problem. `today` (default: the real date) dates the checks for dead
    law; `also_cited` are sources cited outside rules and questions (the registers)."""
    problems: list[Problem] = []
    facts = list(kb.questions) + list(kb.conclusions) + [AS_OF]

    def report(origin, message, fix="", severity="error"):
        problems.append(Problem(origin.file, origin.line, message, fix, severity))

    def check_sources(refs: tuple[SourceRef, ...], origin, what: str) -> None:
        for ref in refs:
            if ref.source not in kb.sources:
                hint = did_you_mean(ref.source, kb.sources) or "add it to knowledge_base/sources.yaml"
                report(origin, f"{what} cites unknown source '{ref.source}'", hint)

    def check_condition(cond, what: str) -> bool:
        before = len(problems)
        for cmp in comparisons(cond):
            _check_comparison(kb, cmp, what, facts, report)
        return len(problems) == before

    broken: set[str] = set()  # rules already reported; a never-fire check would only repeat it

    for fact in set(kb.questions) & set(kb.conclusions):
        report(kb.conclusions[fact].origin, f"'{fact}' is both a question and a conclusion", "rename one of them")

    for q in kb.questions.values():
        check_sources(q.sources, q.origin, f"question '{q.id}'")
        for d in q.definitions:
            if d.source:
                check_sources((d.source,), q.origin, f"a definition in question '{q.id}'")
        if q.ask_if is not None:
            check_condition(q.ask_if, f"ask_if of question '{q.id}'")

    concluded: dict[str, set] = {}
    for rule in kb.rules.values():
        check_sources(rule.sources, rule.origin, f"rule '{rule.id}'")
        if not check_condition(rule.when, f"rule '{rule.id}'"):
            broken.add(rule.id)
        for fact, value in rule.conclude:
            if fact not in kb.conclusions:
                if fact in kb.questions:
                    report(
                        rule.origin,
                        f"rule '{rule.id}' concludes '{fact}', which is a question",
                        "conclude a fact declared under 'conclusions' in module.yaml",
                    )
                else:
                    hint = did_you_mean(fact, kb.conclusions) or f"declare it under 'conclusions:' in rules/{rule.module}/module.yaml"
                    report(rule.origin, f"rule '{rule.id}' concludes unknown fact '{fact}'", hint)
                continue
            raw = sorted(value) if isinstance(value, frozenset) else value
            if kb.conclusions[fact].type == "multichoice" and not isinstance(raw, list):
                raw = [raw]
            _, error = check_value(kb, fact, raw)
            if error:
                message, _, fix = error.partition(" — ")
                report(rule.origin, f"rule '{rule.id}': {message}", fix)
            concluded.setdefault(fact, set()).add(rule.id)

    for c in kb.conclusions.values():
        check_sources(c.resolve_sources, c.origin, f"conclusion '{c.id}'")
        if c.id not in concluded:
            report(c.origin, f"no rule concludes '{c.id}'", "write a rule that concludes it, or remove it", "warning")

    for module in kb.modules.values():
        for goal in module.goals:
            if goal not in kb.conclusions:
                hint = did_you_mean(goal, kb.conclusions) or "declare it under 'conclusions:'"
                report(module.origin, f"goal '{goal}' of module '{module.id}' is not a declared conclusion", hint)
        for fact in module.inputs:
            if fact not in facts:
                report(
                    module.origin,
                    f"input '{fact}' of module '{module.id}' is not a known fact",
                    did_you_mean(fact, facts) or "name a question or conclusion of another module",
                )
    for folder in {r.module for r in kb.rules.values()} - set(kb.modules):
        problems.append(
            Problem(
                f"rules/{folder}/module.yaml",
                0,
                f"module '{folder}' has rules but no valid module file",
                "create module.yaml with 'module:', 'title:' and 'goals:'",
            )
        )

    problems.extend(_too_many_terms(kb))
    problems.extend(_cycles(kb))
    problems.extend(_never_fire(kb, broken))
    problems.extend(_values_never_concluded(kb))
    problems.extend(_unused(kb, also_cited))
    problems.extend(_tests(kb))
    problems.extend(_dead_law(kb, today or datetime.date.today()))
    from engine.handover import validate_handovers  # handover reads ALLOWED_OPS from here

    problems.extend(validate_handovers(kb))
    return problems


def _dead_law(kb: KnowledgeBase, today: datetime.date) -> list[Problem]:
    """Rules whose date conditions can never hold again from `today` on, and cases that read
    dated rules without saying which date they apply the law as of."""
    problems = []
    dated_modules = set()
    for rule in kb.rules.values():
        bounds = sorted({c.operand for c in comparisons(rule.when) if c.fact == AS_OF and is_date(c.operand)})
        if not bounds:
            continue
        dated_modules.add(rule.module)
        # truth is constant between the dates a condition names: try today and each later boundary
        days = [today] + [d for b in bounds for d in around(b) if d > today]
        nnf = to_nnf(rule.when)
        if all(truth(nnf, {AS_OF: day}, {}) is F for day in days):
            problems.append(
                Problem(
                    rule.origin.file,
                    rule.origin.line,
                    f"rule '{rule.id}' can no longer fire: its date conditions ended before {today.isoformat()}",
                    "check whether the law still applies; remove the rule or update its dates",
                    "warning",
                )
            )
    for case in kb.tests:
        if case.module in dated_modules and case.as_of is None:
            problems.append(
                Problem(
                    case.origin.file,
                    case.origin.line,
                    f"case '{case.id}' runs rules that depend on the date but does not say which date it applies the law as of",
                    "add 'as_of: YYYY-MM-DD' to the case (or to the file's 'defaults:') so its result does not change as time passes",
                    "warning",
                )
            )
    return problems


def _check_comparison(kb: KnowledgeBase, cmp: Compare, what: str, facts: list[str], report) -> None:
    kind = kb.fact_type(cmp.fact)
    if kind is None:
        hint = did_you_mean(cmp.fact, facts) or "declare it as a question or a conclusion"
        report(cmp.origin, f"{what} reads unknown fact '{cmp.fact}'", hint)
        return
    if cmp.op not in ALLOWED_OPS[kind]:
        report(
            cmp.origin, f"{what}: '{cmp.op}' does not apply to the {kind} fact '{cmp.fact}'", f"use one of: {', '.join(ALLOWED_OPS[kind])}"
        )
        return
    if cmp.op in NUMERIC:
        if is_date(cmp.operand) != (kind == "date"):
            want = "a date such as 2030-12-31" if kind == "date" else "a number"
            report(
                cmp.origin,
                f"{what}: '{cmp.fact}' is a {kind} fact, so '{cmp.op}' needs {want}",
                f"write e.g. '{cmp.op}: {'2030-12-31' if kind == 'date' else 3}'",
            )
        return
    if cmp.op == "known":
        return
    operands = cmp.operand if cmp.op in ("in", "contains_any") else (cmp.operand,)
    if cmp.op == "equals" and kind == "multichoice":
        operands = cmp.operand if isinstance(cmp.operand, tuple) else (cmp.operand,)
    for operand in operands:
        raw = [operand] if kind == "multichoice" else operand
        _, error = check_value(kb, cmp.fact, raw)
        if error:
            message, _, fix = error.partition(" — ")
            report(cmp.origin, f"{what}: {message}", fix)


def dnf_terms(cond, cap: int = MAX_CONDITION_TERMS + 1) -> int:
    """How many alternatives an NNF condition expands to (stops counting past `cap`)."""
    if isinstance(cond, Compare):
        return 1
    counts = [dnf_terms(p, cap) for p in cond.parts]
    if isinstance(cond, Any_):
        return min(sum(counts), cap)
    total = 1
    for n in counts:
        total = min(total * n, cap)
    return total


def _too_many_terms(kb: KnowledgeBase) -> list[Problem]:
    """What passes check must run on every backend: CLIPS writes one defrule per alternative."""
    problems = []
    for rule in kb.rules.values():
        if dnf_terms(to_nnf(rule.when)) > MAX_CONDITION_TERMS:
            problems.append(
                Problem(
                    rule.origin.file,
                    rule.origin.line,
                    f"the condition of rule '{rule.id}' expands to more than {MAX_CONDITION_TERMS} alternatives (each 'any' inside an 'all' multiplies them)",
                    "split it: give a group of 'any' conditions a rule of its own that concludes an intermediate fact, and read that fact here",
                )
            )
    return problems


def _cycles(kb: KnowledgeBase) -> list[Problem]:
    from engine.compiler import dependency_graph

    problems = []
    graph = dependency_graph(kb.rules.values())
    for cycle in nx.simple_cycles(graph):
        facts = [n[1] for n in cycle if n[0] == "fact"]
        rule = next(kb.rules[n[1]] for n in cycle if n[0] == "rule")
        chain = " → ".join(facts + facts[:1])
        problems.append(
            Problem(
                rule.origin.file,
                rule.origin.line,
                f"conclusions depend on each other in a circle: {chain}",
                "break the circle: one of these rules must not read what it helps conclude",
            )
        )
        if len(problems) >= 5:
            break
    return problems


def _domain(kb: KnowledgeBase, fact: str, concluded_values: dict) -> list:
    kind = kb.fact_type(fact)
    if kind == "boolean":
        values = [True, False]
    elif kind == "choice":
        values = list(kb.fact_values(fact))
    elif kind == "multichoice":
        base = list(kb.fact_values(fact))
        values = [frozenset(c) for n in range(1, min(len(base), 2) + 1) for c in itertools.combinations(base, n)]
        values.append(frozenset(base))
    else:
        values = [-1e9, 0, 1e9]
    if fact in concluded_values and kind != "multichoice":
        values = sorted(concluded_values[fact], key=str)
    return values + [ABSENT]


def _never_fire(kb: KnowledgeBase, broken: set[str]) -> list[Problem]:
    """A rule no combination of values can make true is almost always a typo in its condition."""
    problems = []
    concluded: dict[str, set] = {}
    for r in kb.rules.values():
        for fact, value in r.conclude:
            concluded.setdefault(fact, set()).add(value)
    for rule in kb.rules.values():
        if rule.id in broken:
            continue
        read = facts_in(rule.when)
        domains = [_domain(kb, f, concluded) for f in read]
        size = 1
        for d in domains:
            size *= len(d)
        if size > MAX_COMBINATIONS:
            continue
        nnf = to_nnf(rule.when)
        # number facts: try points around every number the condition mentions (equals included)
        numeric = {c.fact for c in comparisons(nnf) if kb.fact_type(c.fact) in ("number", "date") and c.op != "known"}
        domains = [_numeric_points(nnf, f) if f in numeric else d for f, d in zip(read, domains)]
        if not any(truth(nnf, dict(zip(read, combo)), {}) in (T, U) for combo in itertools.product(*domains)):
            problems.append(
                Problem(
                    rule.origin.file,
                    rule.origin.line,
                    f"rule '{rule.id}' can never fire: no answers satisfy its 'when'",
                    "check for contradictory comparisons (e.g. the same fact equal to two values under 'all')",
                )
            )
    return problems


def _values_never_concluded(kb: KnowledgeBase) -> list[Problem]:
    """A comparison with a value of a conclusion that no rule draws can never hold: dead logic."""
    drawn: dict[str, set] = {}
    for rule in kb.rules.values():
        for fact, value in rule.conclude:
            drawn.setdefault(fact, set()).add(value)
    problems = []
    conditions = [(r.when, f"rule '{r.id}'") for r in kb.rules.values()]
    conditions += [(q.ask_if, f"ask_if of question '{q.id}'") for q in kb.questions.values() if q.ask_if is not None]
    for cond, what in conditions:
        for cmp in comparisons(cond):
            decl = kb.conclusions.get(cmp.fact)
            if decl is None or decl.type == "multichoice" or cmp.op not in ("equals", "in") or cmp.fact not in drawn:
                continue
            for value in cmp.operand if cmp.op == "in" else (cmp.operand,):
                if value not in drawn[cmp.fact]:
                    problems.append(
                        Problem(
                            cmp.origin.file,
                            cmp.origin.line,
                            f"{what} compares '{cmp.fact}' with {value!r}, a value no rule concludes",
                            "remove that comparison, or write the rule that concludes it",
                            "warning",
                        )
                    )
    return problems


def _numeric_points(cond, fact: str) -> list:
    bounds = {c.operand for c in comparisons(cond) if c.fact == fact and (isinstance(c.operand, (int, float)) or is_date(c.operand))}
    return sorted({p for b in bounds for p in around(b, (-1, -0.5, 0, 0.5, 1))}) + [ABSENT]


def _unused(kb: KnowledgeBase, also_cited: set[str] | frozenset = frozenset()) -> list[Problem]:
    read = set()
    for rule in kb.rules.values():
        read.update(facts_in(rule.when))
    for q in kb.questions.values():
        read.update(facts_in(q.ask_if))
    problems = []
    for q in kb.questions.values():
        if q.id not in read:
            problems.append(
                Problem(
                    q.origin.file,
                    q.origin.line,
                    f"no rule or ask_if reads question '{q.id}', so it is never asked",
                    "use it in a rule or remove it",
                    "warning",
                )
            )
    cited = {ref.source for r in kb.rules.values() for ref in r.sources}
    cited |= {ref.source for q in kb.questions.values() for ref in q.sources}
    cited |= {d.source.source for q in kb.questions.values() for d in q.definitions if d.source}
    cited |= {ref.source for c in kb.conclusions.values() for ref in c.resolve_sources}
    cited |= set(also_cited)
    for s in kb.sources.values():
        if s.id not in cited:
            problems.append(
                Problem(s.origin.file, s.origin.line, f"source '{s.id}' is never cited", "cite it from a rule or remove it", "warning")
            )
    return problems


def _tests(kb: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = []
    for case in kb.tests:
        problems.extend(_test_case_problems(kb, case))
    return problems


def _test_case_problems(kb: KnowledgeBase, case) -> list[Problem]:
    problems = []

    def report(fact, message, fix):
        line = case.origin.line
        for mapping in (case.answers, case.expected):
            if fact is not None and hasattr(mapping, "line_of") and fact in mapping:
                line = mapping.line_of(fact)
        problems.append(Problem(case.origin.file, line, f"case '{case.id}': {message}", fix))

    for fact, value in case.answers.items():
        if fact not in kb.questions and not (case.module in kb.modules and fact in kb.modules[case.module].inputs):
            report(fact, f"unknown fact '{fact}' in answers", did_you_mean(fact, kb.questions) or "use a question id")
            continue
        _, error = check_value(kb, fact, value)
        if error:
            report(fact, *error.split(" — ", 1))
    for fact, value in case.expected.items():
        if fact not in kb.conclusions:
            report(fact, f"expects unknown conclusion '{fact}'", did_you_mean(fact, kb.conclusions) or "use a conclusion id")
            continue
        _, error = check_value(kb, fact, value)
        if error:
            report(fact, *error.split(" — ", 1))
    for rid in case.rules_fired:
        if rid not in kb.rules:
            report(None, f"expects unknown rule '{rid}' to fire", did_you_mean(rid, kb.rules) or "use a rule id")
    for sid in case.sources_cited:
        if sid not in kb.sources:
            report(None, f"expects unknown source '{sid}'", did_you_mean(sid, kb.sources) or "use a source id")
    if case.module not in kb.modules:
        report(None, f"is in the tests of unknown module '{case.module}'", "move it under rules/<module>/tests/")
    return problems
