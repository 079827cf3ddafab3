"""From one guide to another: the MDR guide hands over to the IVDR guide (engine.handover).

The shipped knowledge base: when the MDR guide concludes that a product is an IVD, the IVDR guide
is offered and the answers the two share carry over, mapped to the IVDR's own values. A tiny
knowledge base with a second module shows every mistake in a `handover:` block as file:line.
"""

from __future__ import annotations

import datetime

import pytest
from conftest import TINY, shipped_kb, shipped_module, write_kb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.answers import parse_answers
from engine.consultation import consult
from engine.handover import handover_answers, handovers_offered
from engine.loader import load
from engine.model import DONT_KNOW

_KB, _ = shipped_kb()
AS_OF = datetime.date(2026, 12, 1)

SOFTWARE_DRIVING_ANALYSER = {
    "mdr.is_software": True,
    "mdr.medical_purpose": frozenset({"disease"}),
    "mdr.software_drives_device": "ivd_device",
}
HBA1C_SOFTWARE = {  # independent software interpreting HbA1c results: the MDR guide finds an IVD
    "mdr.is_software": True,
    "mdr.medical_purpose": frozenset({"disease"}),
    "mdr.software_drives_device": "none",
    "mdr.software_processes_data": True,
    "mdr.individual_patient_benefit": True,
    "mdr.ivd_data_role": "sole_or_decisive",
}
ASSAY = {  # a reagent kit whose information comes from examining blood: an IVD
    "mdr.is_software": False,
    "mdr.medical_purpose": frozenset({"disease"}),
    "mdr.principal_action_pharmacological": False,
    "mdr.ivd_data_role": "sole_or_decisive",
}


@pytest.fixture(scope="module")
def mdr():
    return shipped_module("mdr")


@pytest.fixture(scope="module")
def ivdr():
    return shipped_module("ivdr")


def _facts(outcome) -> dict:
    return {**outcome.answers, **outcome.conclusions}


def test_software_driving_an_analyser_is_handed_over_with_its_answers(mdr, ivdr):
    outcome = consult(mdr, SOFTWARE_DRIVING_ANALYSER, explore_unknowns=False, as_of=AS_OF)
    assert outcome.conclusions["mdr.is_medical_device"] == "ivd"
    assert "mdr.rec.ivdr" in {rec.id for _, rec in outcome.recommendations}
    assert handovers_offered(_KB, "mdr", _facts(outcome)) == ["ivdr"]
    carried = handover_answers(_KB, "mdr", outcome.answers, "ivdr")
    assert carried == {"ivdr.is_software": True, "ivdr.software_drives_device": "ivd_instrument"}
    # the IVDR guide goes on from there: it does not ask again what was carried over
    follow = consult(ivdr, carried, explore_unknowns=False, as_of=AS_OF)
    assert follow.conclusions["ivdr.is_ivd"] == "yes"
    assert follow.next_question == "ivdr.medical_information"
    assert set(follow.answers) == set(carried)


def test_independent_software_carries_its_decision_steps(mdr, ivdr):
    outcome = consult(mdr, HBA1C_SOFTWARE, explore_unknowns=False, as_of=AS_OF)
    assert outcome.conclusions["mdr.is_medical_device"] == "ivd"
    carried = handover_answers(_KB, "mdr", outcome.answers, "ivdr")
    assert carried == {
        "ivdr.is_software": True,
        "ivdr.software_drives_device": "none",
        "ivdr.software_processes_data": True,
        "ivdr.individual_patient_benefit": True,
    }
    rest = {
        "ivdr.medical_information": frozenset({"physiological_or_pathological_state", "therapy_definition_or_monitoring"}),
        "ivdr.software_data_sources": "ivd_only",
        "ivdr.in_house_use": "not_in_house",
        "ivdr.user_setting": "professional_use",
        "ivdr.agent_detection": "none",
        "ivdr.blood_grouping": "none",
        "ivdr.test_purpose": frozenset({"life_threatening_disease_management"}),
        "ivdr.legacy_status": "new_device",
    }
    follow = consult(ivdr, {**carried, **rest}, explore_unknowns=False, as_of=AS_OF)
    assert follow.complete and not follow.unused_answers
    assert follow.conclusions["ivdr.class"] == "C"  # MDCG 2019-11 rev.1 section 5.2: HbA1c software, Rule 3(k)
    assert follow.conclusions["ivdr.rules_applied"] == frozenset({"rule_3k"})


def test_hardware_carries_only_that_it_is_not_software(mdr):
    outcome = consult(mdr, ASSAY, explore_unknowns=False, as_of=AS_OF)
    assert outcome.conclusions["mdr.is_medical_device"] == "ivd"
    assert handover_answers(_KB, "mdr", outcome.answers, "ivdr") == {"ivdr.is_software": False}


def test_no_handover_when_the_mdr_applies(mdr):
    bed = {"mdr.is_software": False, "mdr.medical_purpose": frozenset({"disease"}), "mdr.principal_action_pharmacological": False}
    outcome = consult(mdr, {**bed, "mdr.ivd_data_role": "none"}, explore_unknowns=False, as_of=AS_OF)
    assert outcome.conclusions["mdr.is_medical_device"] == "yes"
    assert handovers_offered(_KB, "mdr", _facts(outcome)) == []
    assert handovers_offered(_KB, "mdr", {}) == []  # no facts: no value, no handover
    assert handovers_offered(_KB, "ip", {"mdr.is_medical_device": "ivd"}) == []  # only from the guide named


def test_unmapped_values_and_unknown_answers():
    answers = {
        "mdr.is_software": DONT_KNOW,
        "mdr.software_drives_device": "class_iia_device",
        "mdr.medical_purpose": frozenset({"disease"}),
    }
    # a class IIa device is not an IVD instrument: that answer does not carry; "don't know" does
    assert handover_answers(_KB, "mdr", answers, "ivdr") == {"ivdr.is_software": DONT_KNOW}
    assert handover_answers(_KB, "mdr", {"mdr.is_software": "dont_know"}, "ivdr") == {"ivdr.is_software": DONT_KNOW}
    with pytest.raises(KeyError, match="declares no handover from 'ip'"):
        handover_answers(_KB, "ip", {}, "ivdr")
    with pytest.raises(KeyError, match="unknown module"):
        handover_answers(_KB, "mdr", {}, "nosuch")


MDR_QUESTIONS = _KB.module_questions("mdr")


@st.composite
def mdr_answers(draw):
    chosen = draw(st.lists(st.sampled_from(MDR_QUESTIONS), unique_by=lambda q: q.id))
    answers = {}
    for q in chosen:
        if q.type == "boolean":
            value = draw(st.one_of(st.booleans(), st.just(DONT_KNOW)))
        elif q.type == "choice":
            value = draw(st.one_of(st.sampled_from(q.values), st.just(DONT_KNOW)))
        else:
            value = draw(st.sets(st.sampled_from(q.values), min_size=1, max_size=3).map(frozenset))
        answers[q.id] = value
    return answers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=mdr_answers())
def test_carried_answers_are_always_valid_ivdr_answers(answers):
    carried = handover_answers(_KB, "mdr", answers, "ivdr")
    raw = {k: ("dont_know" if v is DONT_KNOW else sorted(v) if isinstance(v, frozenset) else v) for k, v in carried.items()}
    assert parse_answers(_KB, raw, "handover", "ivdr") == carried


# --- mistakes in a handover: block, reported as file:line ---------------------------------------------

SECOND = {
    **TINY,
    "knowledge_base/questions/next.yaml": """
        module: next
        questions:
          - id: next.is_software
            type: boolean
            text: {sv: 'Programvara?', en: 'Software?'}
          - id: next.purpose
            type: choice
            text: {sv: 'Syfte?', en: 'Purpose?'}
            choices:
              - id: medical
                label: {sv: Medicinskt, en: Medical}
              - id: other
                label: {sv: Annat, en: Other}
        """,
    "rules/next/module.yaml": """
        module: next
        title: {sv: Nästa, en: Next}
        goals: [next.done]
        handover:
          - from: demo
            when: {fact: demo.verdict, equals: high}
            answers:
              - {from: demo.is_software, to: next.is_software}
              - from: demo.purpose
                to: next.purpose
                values: {medical: medical, wellness: other}
        conclusions:
          - id: next.done
            type: boolean
            text: {sv: Klar, en: Done}
        """,
    "rules/next/rules.yaml": """
        rules:
          - id: next.done
            title: {sv: Klar, en: Done}
            when: {fact: next.purpose, equals: medical}
            then:
              conclude: {next.done: true}
            because: {sv: Klart., en: Done.}
            sources: [{source: act, pinpoint: 1 §}]
          - id: next.software
            title: {sv: Programvara, en: Software}
            when: {fact: next.is_software, equals: true}
            then:
              conclude: {next.done: true}
            because: {sv: Klart., en: Done.}
            sources: [{source: act, pinpoint: 2 §}]
        """,
}
MODULE = "rules/next/module.yaml"


@pytest.fixture
def two_guides(tmp_path):
    return write_kb(tmp_path, SECOND)


def _errors(root):
    _, problems = load(root, strict=False)
    return [p for p in problems if p.severity == "error"]


def _line(root, needle):
    return next(n for n, line in enumerate((root / MODULE).read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_a_valid_handover_loads_and_maps_values(two_guides):
    kb, problems = load(two_guides, strict=False)
    assert [p for p in problems if p.severity == "error"] == []
    (handover,) = kb.modules["next"].handovers
    assert handover.source_module == "demo" and handover.origin.file == MODULE
    assert handover_answers(kb, "demo", {"demo.purpose": "wellness", "demo.is_software": False}, "next") == {
        "next.purpose": "other",
        "next.is_software": False,
    }
    assert handovers_offered(kb, "demo", {"demo.verdict": "high"}) == ["next"]
    assert handovers_offered(kb, "demo", {"demo.verdict": "low"}) == []


@pytest.mark.parametrize(
    "old, new, needle, message, fix",
    [
        ("- from: demo\n", "- from: dmo\n", "from: dmo", "names unknown module 'dmo'", "did you mean 'demo'?"),
        ("- from: demo\n", "- from: next\n", "- from: next", "hands over to itself", "another module"),
        (
            "{from: demo.is_software,",
            "{from: demo.is_sofware,",
            "demo.is_sofware",
            "carries 'demo.is_sofware', which is not a question of module 'demo'",
            "did you mean 'demo.is_software'?",
        ),
        (
            "to: next.is_software}",
            "to: next.is_softwar}",
            "next.is_softwar}",
            "carries to 'next.is_softwar'",
            "did you mean 'next.is_software'?",
        ),
        (
            "{from: demo.is_software,",
            "{from: demo.weight,",
            "demo.weight",
            "'demo.weight' is a number question but 'next.is_software' is a boolean question",
            "same type",
        ),
        (
            "wellness: other",
            "wellnes: other",
            "values:",
            "'wellnes' in 'values' is not a value of 'demo.purpose'",
            "did you mean 'wellness'?",
        ),
        (
            "wellness: other",
            "wellness: others",
            "values:",
            "'others' in 'values' is not a value of 'next.purpose'",
            "did you mean 'other'?",
        ),
        (
            "        values: {medical: medical, wellness: other}\n",
            "",
            "from: demo.purpose",
            "value 'wellness' of 'demo.purpose' is not a value of 'next.purpose'",
            "add 'values:'",
        ),
        (
            "{fact: demo.verdict, equals: high}",
            "{fact: demo.verdict, equals: highest}",
            "when:",
            "'highest' is not a value of 'demo.verdict'",
            "did you mean 'high'?",
        ),
        (
            "{fact: demo.verdict, equals: high}",
            "{fact: next.done, equals: true}",
            "when:",
            "reads 'next.done', which is not a fact of module 'demo'",
            "question or conclusion of 'demo'",
        ),
        (
            "      - {from: demo.is_software, to: next.is_software}\n",
            "      - {from: demo.is_software, to: next.is_software}\n      - {from: demo.is_software,  to: next.is_software}\n",
            "demo.is_software,  to",
            "carries two answers to 'next.is_software'",
            "one answer to each",
        ),
        ("    when:", "    wehn:", "wehn:", "unknown key 'wehn' in a handover", "did you mean 'when'?"),
    ],
)
def test_handover_mistakes_are_reported_with_file_and_line(two_guides, old, new, needle, message, fix):
    path = two_guides / MODULE
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = [p for p in _errors(two_guides) if message in p.message]
    assert found, "\n".join(map(str, _errors(two_guides)))
    problem = found[-1]
    assert problem.file == MODULE
    assert problem.line == _line(two_guides, needle)
    assert fix in problem.fix


def test_a_boolean_value_in_a_value_map_must_be_quoted(two_guides):
    path = two_guides / MODULE
    path.write_text(path.read_text(encoding="utf-8").replace("wellness: other", "yes: other"), encoding="utf-8")
    (problem,) = [p for p in _errors(two_guides) if "read as a boolean" in p.message]
    assert problem.file == MODULE and "quote it" in problem.fix
