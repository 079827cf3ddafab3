"""The wheel is a real package: it carries the knowledge base and works away from the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The project's wheel, built and unpacked into a folder of its own (as pip would install it)."""
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if build.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {build.stderr[-300:]}")
    wheel = next(out.glob("vagvisare-*.whl"))
    target = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_the_wheel_carries_every_yaml_file_of_the_knowledge_base(installed):
    shipped = {p.relative_to(ROOT).as_posix() for top in ("knowledge_base", "rules") for p in (ROOT / top).rglob("*.yaml")}
    packed = {p.relative_to(installed / "vagvisare" / "kb").as_posix() for p in (installed / "vagvisare" / "kb").rglob("*.yaml")}
    assert packed == shipped


def test_the_installed_command_checks_the_shipped_knowledge_base_from_any_folder(installed, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    env.pop("VAGVISARE_KB", None)
    code = (
        "import engine, sys; from vagvisare.cli import main; "
        "assert engine.__file__.startswith(sys.argv[1]), engine.__file__; "
        "sys.argv = ['vagvisare', 'check']; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(installed)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": 0 errors" in result.stdout
    version = subprocess.run(
        [sys.executable, "-c", "import sys; from vagvisare.cli import main; sys.argv=['vagvisare','--version']; main()"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert str(installed / "vagvisare" / "kb") in version.stdout
