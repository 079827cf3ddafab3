"""The JSON API: the contract of `vagvisare evaluate --format json`, errors naming the field, never 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explanations.jsonview import outcome_json
from webui import create_app


@pytest.fixture(scope="module")
def app(shipped, tmp_path_factory):
    db = tmp_path_factory.mktemp("api") / "api.sqlite3"
    return create_app({"DATABASE_URL": f"sqlite:///{db}", "WORKSPACE": shipped, "SECRET_KEY": "test", "API_RATE_LIMIT": 0})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def test_modules_and_questions(client, shipped):
    modules = client.get("/api/v1/modules").json
    assert [m["id"] for m in modules] == [m.id for m in shipped.guides()]
    questions = client.get("/api/v1/modules/mdr/questions").json
    assert {q["id"] for q in questions} == {q.id for q in shipped.kb.questions.values() if q.module == "mdr"}
    r = client.get("/api/v1/modules/nope/questions")
    assert r.status_code == 404 and r.json["error"]["field"] == "module"


def test_evaluate_is_the_cli_contract(client, shipped):
    answers = {"mdr.is_software": True, "mdr.medical_purpose": ["disease"], "mdr.software_drives_device": "none"}
    r = client.post("/api/v1/evaluate", json={"module": "mdr", "answers": answers, "as_of": "2026-01-01", "lang": "en"})
    assert r.status_code == 200, r.json
    import datetime

    expected = outcome_json(shipped.kb, shipped.evaluate("mdr", answers, as_of=datetime.date(2026, 1, 1)), "en")
    assert r.json == expected


def test_evaluate_with_given_results(client):
    r = client.post("/api/v1/evaluate", json={"module": "pathway", "answers": {}, "given": {"mdr": {"mdr.is_software": True}}})
    assert r.status_code == 200 and r.json["module"] == "pathway"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"answers": {}}, "module"),
        ({"module": "nope"}, "module"),
        ({"module": 5}, "module"),
        ({"module": "mdr", "answers": []}, "answers"),
        ({"module": "mdr", "answers": {"mdr.is_software": "maybe"}}, "answers.mdr.is_software"),
        ({"module": "mdr", "answers": {"mdr.nope": True}}, "answers.mdr.nope"),
        ({"module": "mdr", "answers": {"ip.owner": "me"}}, "answers.ip.owner"),
        ({"module": "mdr", "answers": {"mdr.is_software": {"a": [1]}}}, "answers.mdr.is_software"),
        ({"module": "mdr", "as_of": "yesterday"}, "as_of"),
        ({"module": "mdr", "as_of": 20260101}, "as_of"),
        ({"module": "mdr", "lang": "de"}, "lang"),
        ({"module": "mdr", "given": []}, "given"),
        ({"module": "pathway", "given": {"pathway": {}}}, "given.pathway"),
        ({"module": "mdr", "extra": 1}, "extra"),
        ({"module": "<script>alert(1)</script>"}, "module"),
    ],
)
def test_wrong_requests_name_the_field(client, body, field):
    r = client.post("/api/v1/evaluate", json=body)
    assert r.status_code == 400, r.json
    assert r.json["error"]["field"] == field
    assert "<script>" not in r.get_data(as_text=True) or field != "module"


def test_not_json_too_large_and_unknown_paths(client):
    r = client.post("/api/v1/evaluate", data="{broken", content_type="application/json")
    assert r.status_code == 400 and r.json["error"]["field"] == "body"
    r = client.post("/api/v1/evaluate", data="module=mdr")
    assert r.status_code == 400 and r.json["error"]["field"] == "body"
    r = client.post("/api/v1/evaluate", data="[" * 2 * 1024 * 1024, content_type="application/json")
    assert r.status_code == 413 and r.json["error"]["field"] == "body"
    r = client.post("/api/v1/evaluate", data="[" * 100000 + "]" * 100000, content_type="application/json")
    assert r.status_code == 400
    assert client.get("/api/v1/nothing").status_code == 404
    assert client.get("/api/v1/evaluate").status_code in (404, 405)


def test_no_csrf_or_cookie_needed_and_no_cookie_set(client):
    r = client.post("/api/v1/evaluate", json={"module": "ip", "answers": {}})
    assert r.status_code == 200 and "Set-Cookie" not in r.headers


def test_rate_limit(shipped, tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}", "WORKSPACE": shipped, "SECRET_KEY": "t", "API_RATE_LIMIT": 3})
    c = app.test_client()
    codes = [c.get("/api/v1/modules").status_code for _ in range(5)]
    assert codes[:3] == [200] * 3 and codes[3:] == [429, 429]


def test_openapi_describes_the_api(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and {"/api/v1/evaluate", "/api/v1/modules", "/api/v1/modules/{module}/questions"} <= set(
        spec["paths"]
    )


def test_fuzz_evaluate_never_500(app):
    """Bodies shaped like the OpenAPI request schema, real ids with any values, and junk: never a 500."""
    client = app.test_client()
    kb = app.extensions["vagvisare_ws"].kb
    spec = client.get("/api/v1/openapi.json").json
    fields = sorted(spec["paths"]["/api/v1/evaluate"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"])
    junk = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=8,
    )
    answer = st.one_of(
        st.booleans(), st.text(max_size=20), st.integers(), st.floats(), st.lists(st.text(max_size=10), max_size=3), st.none(), junk
    )
    answers = st.dictionaries(st.sampled_from(sorted(kb.questions)) | st.text(max_size=10), answer, max_size=6)
    shaped = st.fixed_dictionaries(
        {"module": st.sampled_from(sorted(kb.modules)) | st.text(max_size=10)},
        optional={
            "answers": answers | junk,
            "as_of": st.dates().map(str) | st.text(max_size=12) | junk,
            "lang": st.sampled_from(["sv", "en"]) | st.text(max_size=3),
            "given": st.dictionaries(st.sampled_from(sorted(kb.modules)) | st.text(max_size=5), answers | junk, max_size=2) | junk,
        },
    )
    assert set(fields) == {"module", "answers", "as_of", "lang", "given"}

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(shaped, junk, st.dictionaries(st.text(max_size=8), junk, max_size=3)))
    def check(body):
        r = client.post("/api/v1/evaluate", json=body)
        assert r.status_code in (200, 400), (body, r.status_code, r.get_data(as_text=True)[:300])
        if r.status_code == 400:
            assert r.json["error"]["field"]

    check()
