"""Handing a consultation over from one guide to another (e.g. MDR → IVDR).

A module declares, in its `module.yaml`, which other guides hand over to it and which of
their answers carry over:

    handover:
      - from: mdr
        when: {fact: mdr.is_medical_device, equals: ivd}   # on the other guide's facts
        answers:
          - {from: mdr.is_software, to: ivdr.is_software}
          - from: mdr.software_drives_device
            to: ivdr.software_drives_device
            values: {none: none, ivd_device: ivd_instrument}  # a value not listed is not carried

Everything here is pure: answers in, answers out. The views (CLI, web UI) call
`handovers_offered` after a consultation to know which guides to point to, and
`handover_answers` to start that guide with the answers the two share. The carried answers
are ordinary answers of the target guide: its interview uses those it needs and may still
ask the rest.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.conditions import comparisons, to_nnf
from engine.logic import T, truth
from engine.model import ABSENT, DONT_KNOW, DONT_KNOW_WORD, Handover, KnowledgeBase
from engine.problems import Problem, did_you_mean


def handover_answers(kb: KnowledgeBase, from_module: str, answers: Mapping[str, object], to_module: str) -> dict:
    """The answers of `to_module` that carry over from `answers` given in `from_module`.

    `answers` holds model values (bool, str, frozenset, number, date, or "I don't know") keyed
    by fact id, as a consultation of `from_module` used them; facts the handover does not
    name are ignored. A choice value the mapping does not list is left out, and so is a
    multichoice answer none of whose values carries over. "I don't know" carries over as it
    is. Whether the handover is due at all is `handovers_offered`'s question, not this one's.
    """
    handover = _handover(kb, from_module, to_module)
    carried: dict = {}
    for mapping in handover.answers:
        if mapping.source not in answers:
            continue
        value = answers[mapping.source]
        if value is ABSENT or value is None:
            continue
        if value is DONT_KNOW or value == DONT_KNOW_WORD:
            carried[mapping.target] = DONT_KNOW
            continue
        if mapping.values is None:
            carried[mapping.target] = value
            continue
        table = dict(mapping.values)
        if isinstance(value, frozenset):
            mapped = frozenset(table[v] for v in value if v in table)
            if mapped:
                carried[mapping.target] = mapped
        elif isinstance(value, str) and value in table:
            carried[mapping.target] = table[value]
    return carried


def handovers_offered(kb: KnowledgeBase, from_module: str, facts: Mapping[str, object]) -> list[str]:
    """The modules a finished consultation of `from_module` hands over to, in module order.

    `facts` are that consultation's answers and conclusions. A handover without `when` is
    always offered; one with `when` only when it holds for these facts (a fact missing from
    them counts as having no value)."""
    offered = []
    for module in kb.modules.values():
        for handover in module.handovers:
            if handover.source_module != from_module:
                continue
            if handover.when is None:
                offered.append(module.id)
                break
            cond = to_nnf(handover.when)
            settled = {c.fact: facts.get(c.fact, ABSENT) for c in comparisons(cond)}
            if truth(cond, settled, {}) is T:
                offered.append(module.id)
                break
    return offered


def _handover(kb: KnowledgeBase, from_module: str, to_module: str) -> Handover:
    if to_module not in kb.modules:
        raise KeyError(f"unknown module '{to_module}'")
    for handover in kb.modules[to_module].handovers:
        if handover.source_module == from_module:
            return handover
    raise KeyError(f"module '{to_module}' declares no handover from '{from_module}'")


def validate_handovers(kb: KnowledgeBase) -> list[Problem]:
    """Every problem with the `handover:` blocks, as `file:line: what — fix`."""
    from engine.validate import ALLOWED_OPS

    problems: list[Problem] = []

    def report(origin, message, fix):
        problems.append(Problem(origin.file, origin.line, message, fix))

    for module in kb.modules.values():
        seen_sources: set[str] = set()
        for handover in module.handovers:
            source = handover.source_module
            where = f"the handover from '{source}' to '{module.id}'"
            if source not in kb.modules:
                report(
                    handover.origin,
                    f"{where} names unknown module '{source}'",
                    did_you_mean(source, kb.modules) or "name a module under rules/",
                )
                continue
            if source == module.id:
                report(handover.origin, f"module '{module.id}' hands over to itself", "name another module under 'from:'")
                continue
            if source in seen_sources:
                report(handover.origin, f"{where} is declared twice", "keep one handover per module it comes from")
            seen_sources.add(source)
            source_facts = [q.id for q in kb.module_questions(source)] + [c.id for c in kb.conclusions.values() if c.module == source]
            for cmp in comparisons(handover.when) if handover.when is not None else ():
                if cmp.fact not in source_facts:
                    report(
                        cmp.origin,
                        f"'when' of {where} reads '{cmp.fact}', which is not a fact of module '{source}'",
                        did_you_mean(cmp.fact, source_facts) or f"name a question or conclusion of '{source}'",
                    )
                    continue
                kind = kb.fact_type(cmp.fact)
                if cmp.op not in ALLOWED_OPS[kind]:
                    report(
                        cmp.origin,
                        f"'when' of {where}: '{cmp.op}' does not apply to the {kind} fact '{cmp.fact}'",
                        f"use one of: {', '.join(ALLOWED_OPS[kind])}",
                    )
                    continue
                operands = cmp.operand if isinstance(cmp.operand, tuple) else (cmp.operand,)
                if kind in ("choice", "multichoice") and cmp.op != "known":
                    for value in operands:
                        if value not in kb.fact_values(cmp.fact):
                            report(
                                cmp.origin,
                                f"'when' of {where}: {value!r} is not a value of '{cmp.fact}'",
                                did_you_mean(str(value), kb.fact_values(cmp.fact))
                                or f"choose one of: {', '.join(kb.fact_values(cmp.fact))}",
                            )
            targets: set[str] = set()
            for mapping in handover.answers:
                problems.extend(_mapping_problems(kb, module.id, source, mapping, where, targets))
    return problems


def _mapping_problems(kb: KnowledgeBase, target_module: str, source_module: str, mapping, where: str, targets: set) -> list[Problem]:
    problems: list[Problem] = []

    def report(message, fix, origin=mapping.origin):
        problems.append(Problem(origin.file, origin.line, message, fix))

    src = kb.questions.get(mapping.source)
    if src is None or src.module != source_module:
        candidates = [q.id for q in kb.module_questions(source_module)]
        report(
            f"{where} carries '{mapping.source}', which is not a question of module '{source_module}'",
            did_you_mean(mapping.source, candidates) or "name a question of that module",
        )
        return problems
    dst = kb.questions.get(mapping.target)
    if dst is None or dst.module != target_module:
        candidates = [q.id for q in kb.module_questions(target_module)]
        report(
            f"{where} carries to '{mapping.target}', which is not a question of module '{target_module}'",
            did_you_mean(mapping.target, candidates) or "name a question of this module",
        )
        return problems
    if mapping.target in targets:
        report(f"{where} carries two answers to '{mapping.target}'", "carry one answer to each question")
    targets.add(mapping.target)
    if src.type != dst.type:
        report(
            f"{where}: '{mapping.source}' is a {src.type} question but '{mapping.target}' is a {dst.type} question",
            "carry an answer only between questions of the same type",
        )
        return problems
    if mapping.values is not None:
        if src.type not in ("choice", "multichoice"):
            report(
                f"{where}: 'values' only applies to choice questions, and '{mapping.source}' is a {src.type} question", "remove 'values'"
            )
            return problems
        for old, new in mapping.values:
            if old not in src.values:
                report(
                    f"{where}: {old!r} in 'values' is not a value of '{mapping.source}'",
                    did_you_mean(old, src.values) or f"choose from: {', '.join(src.values)}",
                    mapping.values_origin or mapping.origin,
                )
            if new not in dst.values:
                report(
                    f"{where}: {new!r} in 'values' is not a value of '{mapping.target}'",
                    did_you_mean(new, dst.values) or f"choose from: {', '.join(dst.values)}",
                    mapping.values_origin or mapping.origin,
                )
    elif src.type in ("choice", "multichoice"):
        missing = [v for v in src.values if v not in dst.values]
        if missing:
            report(
                f"{where}: value {missing[0]!r} of '{mapping.source}' is not a value of '{mapping.target}'",
                f"add 'values:' mapping the values that carry over, e.g. {{{src.values[0]}: {dst.values[0]}}}",
            )
    return problems
