"""MDR classification (Annex VIII): properties over any answers, the interview's shape, and the explanations.

The YAML cases (rules/mdr/tests) pin exact classes for real devices; these tests check what must
hold for every answer set: the class is always one of the seven MDR classes (or undetermined),
and an answer that makes a stricter rule apply never lowers the class (Annex VIII 3.5).
"""

from __future__ import annotations

import re

import pytest
from conftest import draw_answer, shipped_kb, shipped_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.consultation import consult
from explanations.how import how, why_not

_KB, _ = shipped_kb()
CLASSES = ("I", "Is", "Im", "Ir", "IIa", "IIb", "III")  # strictness order of mdr.class
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
QUALIFICATION = {
    "mdr.is_software",
    "mdr.medical_purpose",
    "mdr.annex_xvi_group",
    "mdr.accessory",
    "mdr.software_drives_device",
    "mdr.principal_action_pharmacological",
    "mdr.software_processes_data",
    "mdr.individual_patient_benefit",
    "mdr.ivd_data_role",
}
CLASSIFICATION = [q for q in _KB.module_questions("mdr") if q.id not in QUALIFICATION]

#: Answers that only add an applicable rule or sub-rule giving a higher class. Exceptions that
#: lower a class (teeth, mouth/nose/ear canal, reusable surgical instruments) are not among them.
ESCALATIONS = [
    ("mdr.ancillary_medicinal_substance", True),  # Rule 14
    ("mdr.contraception_or_sti", True),  # Rule 15
    ("mdr.closed_loop_diagnostic", True),  # Rule 22
    ("mdr.immediate_danger", True),  # Rules 10 and 11
    ("mdr.absorbed_or_biological_effect", True),  # Rules 5-8
    ("mdr.chemical_change_in_body", True),  # Rules 7-8
    ("mdr.substance_transfer_hazardous", True),  # Rules 6 and 12
    ("mdr.inhaled_drug_critical", True),  # Rule 20
    ("mdr.tissue_origin", "human_derivative"),  # Rule 18
    ("mdr.ionising_radiation", "records_xray_images"),  # Rule 17 (added to the ticked values)
    ("mdr.ionising_radiation", "diagnostic_radiology"),  # Rule 10
    ("mdr.body_site", "heart_ccs_or_cns_direct_contact"),  # Rules 6-8
    ("mdr.diagnostic_function", "direct_diagnosis_or_vital_monitoring"),  # Rule 10
]


@pytest.fixture(scope="module")
def mdr():
    return shipped_module("mdr")


@st.composite
def any_answers(draw):
    """Any valid answers to any subset of the MDR questions, "I don't know" included."""
    questions = _KB.module_questions("mdr")
    chosen = draw(st.lists(st.sampled_from(questions), unique_by=lambda q: q.id))
    return {q.id: draw_answer(q, draw, allow_unknown=True) for q in chosen}


@st.composite
def device_answers(draw):
    """A medical device (hardware or software with a medical purpose) and a full set of classification answers."""
    purposes = [v for v in _KB.questions["mdr.medical_purpose"].values if v != "none"]
    answers = {
        "mdr.is_software": draw(st.booleans()),
        "mdr.medical_purpose": frozenset(draw(st.sets(st.sampled_from(purposes), min_size=1, max_size=2))),
        "mdr.principal_action_pharmacological": False,
        "mdr.software_drives_device": draw(
            st.sampled_from(["none", "class_i_device", "class_iia_device", "class_iib_device", "class_iii_device"])
        ),
        "mdr.software_processes_data": True,
        "mdr.individual_patient_benefit": True,
        "mdr.ivd_data_role": "none",
    }
    answers.update({q.id: draw_answer(q, draw, allow_unknown=False) for q in CLASSIFICATION})
    return answers


def _rank(outcome) -> int | None:
    value = outcome.conclusions.get("mdr.class")
    return None if value is None else CLASSES.index(value)


def test_class_is_always_one_of_the_seven_or_undetermined(mdr):
    @SETTINGS
    @given(answers=any_answers())
    def check(answers):
        outcome = consult(mdr, answers, explore_unknowns=False)
        cls = outcome.conclusions.get("mdr.class")
        assert cls is None or cls in CLASSES
        applied = outcome.conclusions.get("mdr.rules_applied", frozenset())
        assert applied <= set(_KB.conclusions["mdr.rules_applied"].values)
        if cls is not None:
            assert outcome.conclusions["mdr.is_medical_device"] in ("yes", "annex_xvi")
            assert applied, "a class always names the rule(s) that decided it"

    check()


def test_a_stricter_rule_never_lowers_the_class(mdr):
    @SETTINGS
    @given(answers=device_answers(), escalation=st.sampled_from(ESCALATIONS))
    def check(answers, escalation):
        before = consult(mdr, answers, explore_unknowns=False)
        fact, value = escalation
        stricter = dict(answers)
        if _KB.questions[fact].type == "multichoice":
            stricter[fact] = frozenset(answers[fact]) | {value}
        else:
            stricter[fact] = value
        after = consult(mdr, stricter, explore_unknowns=False)
        assert before.complete and after.complete
        assert _rank(after) >= _rank(before), (fact, value, before.conclusions["mdr.class"], after.conclusions["mdr.class"])

    check()


def _asked(mdr, answers) -> set[str]:
    return set(consult(mdr, answers, explore_unknowns=False).answers)


SOFTWARE_IIB = {
    "mdr.is_software": True,
    "mdr.medical_purpose": frozenset({"disease"}),
    "mdr.software_drives_device": "none",
    "mdr.software_processes_data": True,
    "mdr.individual_patient_benefit": True,
    "mdr.ivd_data_role": "none",
    "mdr.in_house_use": "not_in_house",
    "mdr.controls_active_device": "none",
    "mdr.software_output": "informs_diagnosis_or_therapy",
    "mdr.healthcare_situation": "serious",
    "mdr.information_significance": "treat_or_diagnose",
    "mdr.closed_loop_diagnostic": False,
    "mdr.contraception_or_sti": False,
    "mdr.ionising_radiation": frozenset({"none"}),
}
BED = {  # the manual hospital bed of MDCG 2021-24 Rule 1
    "mdr.is_software": False,
    "mdr.medical_purpose": frozenset({"disease"}),
    "mdr.principal_action_pharmacological": False,
    "mdr.ivd_data_role": "none",
    "mdr.in_house_use": "not_in_house",
    "mdr.invasiveness": "non_invasive",
    "mdr.active": False,
    "mdr.injured_skin_contact": "none",
    "mdr.channels_or_stores": "none",
    "mdr.modifies_body_substances": "none",
    "mdr.ancillary_medicinal_substance": False,
    "mdr.contraception_or_sti": False,
    "mdr.tissue_origin": "none",
    "mdr.nanomaterial_exposure": "no_nanomaterial",
    "mdr.substance_based_site": "not_substance_based",
    "mdr.ionising_radiation": frozenset({"none"}),
    "mdr.sterile": False,
    "mdr.measuring_function": False,
}


def test_software_is_never_asked_about_the_body(mdr):
    every_answer = {q.id: q.values[0] if q.values else False for q in CLASSIFICATION} | SOFTWARE_IIB
    asked = _asked(mdr, every_answer)
    hardware_only = {"mdr.invasiveness", "mdr.duration", "mdr.active", "mdr.body_site", "mdr.tissue_origin", "mdr.sterile"}
    assert not asked & hardware_only
    assert consult(mdr, SOFTWARE_IIB, explore_unknowns=False).conclusions["mdr.class"] == "IIb"


def test_duration_only_for_invasive_devices_and_variants_only_for_class_i(mdr):
    asked = _asked(mdr, BED | {"mdr.duration": "transient"})
    assert "mdr.duration" not in asked
    assert {"mdr.sterile", "mdr.measuring_function"} <= asked  # the bed is class I (Rule 1)
    blood_storage = BED | {"mdr.channels_or_stores": "blood_body_liquids_or_tissues"}  # Rule 2: IIa
    outcome = consult(mdr, blood_storage, explore_unknowns=False)
    assert outcome.conclusions["mdr.class"] == "IIa"
    assert {"mdr.sterile", "mdr.measuring_function"} <= set(outcome.unused_answers)


def test_class_i_variants(mdr):
    assert consult(mdr, BED | {"mdr.sterile": True}, explore_unknowns=False).conclusions["mdr.class"] == "Is"
    assert consult(mdr, BED | {"mdr.measuring_function": True}, explore_unknowns=False).conclusions["mdr.class"] == "Im"
    assert consult(mdr, BED, explore_unknowns=False).conclusions["mdr.rules_applied"] == frozenset({"rule_1"})


def test_how_shows_every_candidate_rule_and_that_the_strictest_wins(mdr):
    outcome = consult(mdr, BED | {"mdr.injured_skin_contact": "micro_environment", "mdr.tissue_origin": "animal_non_viable"})
    explanation = how(mdr, outcome, "mdr.specific_rule_class")
    assert explanation.value == "III" and explanation.resolve == "highest"
    assert [s.rule.id for s in explanation.steps] == ["mdr.c.rule_18.animal"]
    assert [(r.id, v) for r, v in explanation.overridden] == [("mdr.c.rule_4.micro_environment", "IIa")]
    assert outcome.conclusions["mdr.rules_applied"] == frozenset({"rule_18"})


def test_why_not_a_lower_class_names_where_it_stopped(mdr):
    outcome = consult(mdr, SOFTWARE_IIB, explore_unknowns=False)
    blocked = why_not(mdr, outcome, "mdr.rule_11_class", "III")
    assert [(b.rule.id, b.status, b.at.fact) for b in blocked] == [
        ("mdr.c.rule_11.decisions_critical", "failed", "mdr.healthcare_situation")
    ]
    lower = why_not(mdr, outcome, "mdr.rule_11_class", "IIa")
    assert [(b.rule.id, b.status) for b in lower] == [("mdr.c.rule_11.decisions", "overridden"), ("mdr.c.rule_11.monitoring", "failed")]


def _recommendations(outcome) -> set[str]:
    return {rec.id for _, rec in outcome.recommendations}


def test_the_mdr_result_points_to_the_follow_on_guide(mdr):
    """What follows from the class lives in `mdr_obligations` (issue 17): the MDR guide points there
    for every device, in-house included, and keeps no consequence rules of its own."""
    for answers in (BED, SOFTWARE_IIB, BED | {"mdr.in_house_use": "in_house_all_conditions_met"}):
        assert "mdr.rec.what_follows" in _recommendations(consult(mdr, answers, explore_unknowns=False))
    pointers = {rule.id for rule in _KB.module_rules("mdr") if rule.id.startswith("mdr.f.")}
    assert pointers == {"mdr.f.what_follows", "mdr.f.software_not_a_device"}


@pytest.mark.parametrize("number", range(1, 23))
def test_an_advisor_finds_each_annex_viii_rule_by_its_title(number):
    pattern = re.compile(rf"^Rule {number}\b")
    rules = [r for r in _KB.module_rules("mdr") if pattern.match(r.title.en) and r.id.startswith(f"mdr.c.rule_{number}.")]
    assert rules, f"no rule titled 'Rule {number} …'"
    for rule in rules:
        assert any(ref.source == "mdr" and f"Rule {number}" in ref.pinpoint for ref in rule.sources), rule.id
        assert rule.title.sv.startswith(f"Regel {number}")
