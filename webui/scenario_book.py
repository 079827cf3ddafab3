"""The scenario library as the web UI uses it: read once per app from the workspace's knowledge
base, with the pure results every page of a session shows (the reveal, the expected answers)
computed once per scenario and language instead of on every poll of 60 phones.

Everything here comes from the core's public API (engine.scenarios); the memo only keeps
what those pure functions returned for the app's (immutable) workspace.
"""

from __future__ import annotations

from flask import current_app

from engine.scenarios import Library, RevealStep, Scenario, expected_answers, expected_predictions, load_library, reveal_steps


class ScenarioBook:
    def __init__(self, workspace) -> None:
        self.workspace = workspace
        self._library: Library | None = None
        self._steps: dict[tuple[str, str], tuple[RevealStep, ...]] = {}
        self._expected: dict[str, dict] = {}

    @property
    def library(self) -> Library:
        """The scenarios that could be read (`vagvisare check` reports the others)."""
        if self._library is None:
            self._library, _problems = load_library(self.workspace.kb.root, self.workspace.kb)
        return self._library

    def scenarios(self) -> tuple[Scenario, ...]:
        return self.library.scenarios

    def get(self, scenario_id) -> Scenario | None:
        """The scenario with this id, or None (an id from a URL or a form is never trusted)."""
        if not isinstance(scenario_id, str):
            return None
        return next((s for s in self.library.scenarios if s.id == scenario_id), None)

    def steps(self, scenario: Scenario, lang: str) -> tuple[RevealStep, ...]:
        """`engine.scenarios.reveal_steps`: the real `how` of the scenario's outcome, step by step."""
        key = (scenario.id, lang)
        if key not in self._steps:
            self._steps[key] = reveal_steps(self.workspace, scenario, lang)
        return self._steps[key]

    def expected(self, scenario: Scenario) -> dict:
        """Each key question and predicted goal → the value the narrative implies (model values)."""
        if scenario.id not in self._expected:
            self._expected[scenario.id] = {**expected_answers(self.workspace, scenario), **expected_predictions(self.workspace, scenario)}
        return self._expected[scenario.id]


def book() -> ScenarioBook:
    """The app's scenario book (made by create_app)."""
    return current_app.extensions["vagvisare_scenarios"]
