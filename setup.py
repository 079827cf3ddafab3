"""Ship the YAML knowledge base inside the wheel, as package data of `vagvisare.kb`.

The knowledge base lives at the top of the repository (knowledge_base/, rules/) where
advisors edit it; an installed `vagvisare` finds it under vagvisare/kb/ (engine.loader).
Every folder becomes a package so that setuptools includes its YAML files.
"""

from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
FOLDERS = {}
for top in ("knowledge_base", "rules"):
    for folder in [HERE / top, *sorted(p for p in (HERE / top).rglob("*") if p.is_dir() and p.name != "__pycache__")]:
        rel = folder.relative_to(HERE)
        FOLDERS["vagvisare.kb." + ".".join(rel.parts)] = rel.as_posix()

setup(
    packages=["engine", "engine.backends", "explanations", "vagvisare", "webui", "webui.migrations", "webui.migrations.versions", *FOLDERS],
    package_dir=FOLDERS,
    package_data={**{name: ["*.yaml"] for name in FOLDERS}, "webui": ["templates/*.html", "static/*"], "webui.migrations": ["*.mako"]},
)
