"""The register of receiving organisations (knowledge_base/intake.yaml): the shipped one has the
organisations the programme serves, and `check` reports a broken entry with file:line and a fix."""

from __future__ import annotations

import datetime as dt
import textwrap

from conftest import shipped_kb

from engine.intake_register import INTAKE_FILE, load_intake, validate_intake

TODAY = dt.date(2026, 12, 1)
REQUIRED = (
    "region_norrbotten",
    "region_vasterbotten",
    "umea_university",
    "lulea_university_of_technology",
    "umea_municipality",
    "skelleftea_municipality",
)


def test_the_shipped_register_lists_the_programmes_organisations():
    kb, _ = shipped_kb()
    register, problems = validate_intake(kb.root, kb, TODAY)
    assert not [p for p in problems if p.severity == "error"], problems
    for org in REQUIRED:
        assert org in register.ids
    assert register.name("umea_university", "en") == "Umeå University" and register.name("umea_university", "sv") == "Umeå universitet"
    assert {o.kind for o in register.organisations} == {"region", "university", "municipality"}
    assert all(o.as_of is not None for o in register.organisations)


def _write(tmp_path, text: str):
    path = tmp_path / INTAKE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_broken_entries_are_reported_with_file_line_and_fix(tmp_path):
    root = _write(
        tmp_path,
        """
        organisations:
          - id: region_a
            name: {sv: Region A, en: Region A}
            kind: regoin
            contact: www.example.org
            as_of: '2026-13-01'
          - id: region_a
            name: {sv: B}
            kind: region
            as_of: 2026-11-01
            colour: blue
          - id: Bad Id
            name: {sv: C, en: C}
            kind: other
            as_of: 2020-01-01
        """,
    )
    register, problems = validate_intake(root, None, TODAY)
    text = "\n".join(f"{p.file}:{p.line}: {p.message} — {p.fix}" for p in problems)
    assert f"{INTAKE_FILE}:5: unknown kind of organisation 'region_a': 'regoin'" in text and "did you mean 'region'" in text
    assert f"{INTAKE_FILE}:6:" in text and "not a web address" in text
    assert "is not a date" in text
    assert "unknown key 'colour'" in text
    assert "duplicate organisation 'region_a'" in text
    assert "the en text of 'name'" in text or "'name' of organisation 'region_a'" in text
    assert "not a plain id" in text
    assert "more than a year ago" in text  # a warning
    assert register is not None


def test_a_missing_or_empty_register(tmp_path):
    register, problems = load_intake(tmp_path)
    assert register is None and "missing" in problems[0].message
    register, problems = load_intake(_write(tmp_path, "organisations: []\n"))
    assert "no receiving organisation" in problems[0].message


def test_check_reports_the_intake_register(tmp_path):
    from engine.register_checks import validate_registers

    root = _write(tmp_path, "organisations:\n  - id: x1\n    name: {sv: X, en: X}\n    kind: shop\n    as_of: 2026-11-01\n")
    problems, _cited = validate_registers(root, None, TODAY)
    assert any(p.file == INTAKE_FILE and "unknown kind" in p.message for p in problems)
