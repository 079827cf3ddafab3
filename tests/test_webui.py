"""The web UI through Flask's test client: every page, the HTML contract, and hostile input."""

from __future__ import annotations

import json
import re

import pytest
from web_helpers import answer, facts, options, question_of, run_through, start, token

from explanations.jsonview import outcome_json
from webui import create_app


@pytest.fixture(scope="module")
def app(shipped, tmp_path_factory):
    db = tmp_path_factory.mktemp("web") / "web.sqlite3"
    return create_app(
        {"DATABASE_URL": f"sqlite:///{db}", "WORKSPACE": shipped, "SECRET_KEY": "test", "SESSION_COOKIE_SECURE": False, "API_RATE_LIMIT": 0}
    )


@pytest.fixture
def client(app):
    return app.test_client()


def html(r) -> str:
    return r.get_data(as_text=True)


def case_id(url: str) -> str:
    return url.split("/")[2]


def stored(app, url):
    return app.extensions["vagvisare_store"].load(case_id(url))


# --- the start page and what every page carries -------------------------------------


def test_start_page_lists_every_guide_in_swedish_by_default(client, shipped):
    r = client.get("/")
    page = html(r)
    assert r.status_code == 200 and '<html lang="sv">' in page
    for m in shipped.guides():
        assert f'data-module="{m.id}"' in page
        assert m.title.sv in page
    assert page.count('<form method="post"') >= len(shipped.guides())


def test_language_switch_keeps_the_place(client):
    url = start(client, "mdr")
    page = html(client.get(url + "?lang=en"))
    assert '<html lang="en">' in page and "Is the product" in page or "Question 1" in page
    assert f'href="{url}?lang=sv"' in page
    assert '<html lang="en">' in html(client.get(url))  # the choice is kept
    assert '<html lang="sv">' in html(client.get(url + "?lang=sv"))


def test_security_headers_and_no_external_assets(client):
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp
    assert r.headers["X-Frame-Options"] == "DENY" and r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer" and r.headers["Cache-Control"] == "no-store"
    page = html(r)
    assert "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page.split("</header>")[0])


def test_session_cookie_is_secure_httponly_samesite(shipped, tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}", "WORKSPACE": shipped, "SECRET_KEY": "t"})
    c = app.test_client()
    page = html(c.get("https://localhost/"))
    r = c.post("https://localhost/start", data={"module": "mdr", "csrf_token": token(page)})
    cookie = r.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- a whole consultation -------------------------------------------------------------

SOFTWARE = {
    "mdr.is_software": "yes",
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_full_mdr_consultation_matches_the_api_contract(client, shipped, lang):
    client.get(f"/?lang={lang}")
    url = start(client, "mdr")
    asked = run_through(client, url)
    check = html(client.get(url + "/check"))
    assert "data-see-result" in check
    for qid in asked:
        assert f'data-question="{qid}"' in check
    result = html(client.get(url + "/result"))
    assert f'<html lang="{lang}">' in result
    assert f'data-kb-version="{shipped.version}"' in result
    shown = facts(result)
    saved = client.application.extensions["vagvisare_store"].load(case_id(url))["consultations"]["mdr"]
    expected = outcome_json(shipped.kb, shipped.evaluate("mdr", dict(saved["answers"])), lang)["conclusions"]
    for fact, value in expected.items():
        want = (
            ""
            if value is None
            else ",".join(value)
            if isinstance(value, list)
            else ("true" if value is True else "false" if value is False else str(value))
        )
        assert shown[fact] == want, fact
    assert ("Detta är vägledning" if lang == "sv" else "This is guidance") in result


def test_every_question_type_and_dont_know(client):
    url = start(client, "pathway")
    kinds = set()

    def choose(qid, opts):
        kinds.update(k for k, _ in opts)
        return "dont_know"

    run_through(client, url, choose)
    result = html(client.get(url + "/result"))
    assert client.get(url + "/result").status_code == 200
    assert "data-fact" in result or "Slutsatser som beror på det du inte vet" in result
    assert "radio" in kinds


def test_back_and_change(client, app):
    url = start(client, "mdr")
    first = question_of(html(client.get(url)))
    assert answer(client, url, "yes").status_code == 303
    second = question_of(html(client.get(url)))
    assert second != first
    page = html(client.get(url))
    r = client.post(url, data={"question": second, "action": "back", "csrf_token": token(page)})
    assert r.status_code == 303 and question_of(html(client.get(url))) == first
    assert stored(app, url)["consultations"]["mdr"]["answers"] == []
    answer(client, url, "yes")
    change = html(client.get(f"{url}/change/{first}"))
    assert question_of(change) == first and 'value="yes" checked' in change
    r = client.post(f"{url}/change/{first}", data={"question": first, "answer": "no", "csrf_token": token(change)})
    assert r.status_code == 303
    assert stored(app, url)["consultations"]["mdr"]["answers"][0] == [first, False]


def test_what_if_side_by_side_changes_nothing(client, app):
    url = start(client, "mdr")
    run_through(client, url)
    before = stored(app, url)
    first = before["consultations"]["mdr"]["answers"][0][0]
    r = client.get(f"{url}/whatif?q.{first}=no")
    assert r.status_code == 200 and "<table" in html(r)
    assert stored(app, url) == before


def test_why_not_on_the_result_page(client):
    url = start(client, "mdr")
    run_through(client, url)
    r = client.get(f"{url}/result?why_not_fact=mdr.class&why_not_value=I")
    assert r.status_code == 200 and 'id="why-not"' in html(r)
    assert client.get(f"{url}/result?why_not_fact=mdr.nope&why_not_value=I").status_code == 400


def test_reports(client):
    url = start(client, "ip")
    run_through(client, url)
    assert "<h1>" in html(client.get(url + "/report"))
    md = client.get(url + "/report.md")
    assert md.mimetype == "text/markdown" and md.get_data(as_text=True).startswith("# ")
    pdf = client.get(url + "/report.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data[:5] == b"%PDF-"


def test_case_groups_guides_and_pathway_reads_mdr(client, app, shipped):
    url = start(client, "mdr")
    run_through(client, url)
    cid = case_id(url)
    page = html(client.get(f"/c/{cid}"))
    r = client.post(f"/c/{cid}/start", data={"module": "pathway", "csrf_token": token(page)})
    assert r.status_code == 303
    data = stored(app, url)
    assert set(data["consultations"]) == {"mdr", "pathway"}
    assert "mdr.is_medical_device" in data["consultations"]["pathway"]["inputs"]
    run_through(client, f"/c/{cid}/pathway")
    page = html(client.get(f"/c/{cid}"))
    assert client.post(f"/c/{cid}/start", data={"module": "mdr_obligations", "csrf_token": token(page)}).status_code == 303
    assert "mdr.class" in stored(app, url)["consultations"]["mdr_obligations"]["inputs"]
    graph = html(client.get(f"/c/{cid}/pathway/graph"))
    assert "<svg" in graph and 'role="img"' in graph and 'id="pathway-text"' in graph


def test_pathway_and_kb_browser(client):
    assert "<svg" in html(client.get("/pathway"))
    r = client.get("/kb?q=programvara")
    assert r.status_code == 200 and "mdr.is_software" in html(r)
    assert "mdr.is_software" not in html(client.get("/kb?q=zzzzqqq"))


# --- save, resume, delete -----------------------------------------------------------


def test_save_resume_and_delete(app, client):
    url = start(client, "mdr")
    answer(client, url, "yes")
    cid = case_id(url)
    other = app.test_client()
    assert other.get(url).status_code == 404  # not this browser's case
    assert other.get(f"/r/{cid}").status_code == 303
    assert other.get(url).status_code == 200
    third = app.test_client()
    page = html(third.get("/"))
    assert third.post("/resume", data={"code": cid, "csrf_token": token(page)}).status_code == 303
    assert third.post("/resume", data={"code": "x" * 32, "csrf_token": token(page)}).status_code == 404
    assert "data-delete" in html(third.get(f"/c/{cid}/delete"))
    r = third.post(f"/c/{cid}/delete", data={"csrf_token": token(page)})
    assert r.status_code == 200 and stored(app, url) is None
    assert client.get(url).status_code == 404


# --- hostile input ------------------------------------------------------------------


def test_missing_or_forged_csrf_is_refused(client, app):
    assert client.post("/start", data={"module": "mdr"}).status_code == 400
    assert client.post("/start", data={"module": "mdr", "csrf_token": "forged"}).status_code == 400
    url = start(client, "mdr")
    qid = question_of(html(client.get(url)))
    assert client.post(url, data={"question": qid, "answer": "yes", "csrf_token": "forged"}).status_code == 400
    assert stored(app, url)["consultations"]["mdr"]["answers"] == []


def test_unknown_module_question_and_forged_ids(client, app):
    page = html(client.get("/"))
    assert client.post("/start", data={"module": "nope", "csrf_token": token(page)}).status_code == 404
    url = start(client, "mdr")
    page = html(client.get(url))
    assert client.post(url, data={"question": "mdr.nope", "answer": "yes", "csrf_token": token(page)}).status_code == 400
    assert client.post(url, data={"question": "ip.owner", "answer": "yes", "csrf_token": token(page)}).status_code == 400
    assert client.get(url.replace("/mdr", "/nope")).status_code == 404
    assert client.get("/c/" + "A" * 32 + "/mdr").status_code == 404
    assert client.get("/c/../../etc/passwd").status_code == 404
    assert stored(app, url)["consultations"]["mdr"]["answers"] == []


@pytest.mark.parametrize("value", ["maybe", "", "<script>alert(1)</script>", ["yes", "no"], ["yes", "dont_know"]])
def test_wrong_answers_are_4xx_and_nothing_is_stored(client, app, value):
    url = start(client, "mdr")
    page = html(client.get(url))
    r = client.post(url, data={"question": question_of(page), "answer": value, "csrf_token": token(page)})
    assert r.status_code == 400
    assert "<script>alert" not in html(r)
    assert 'role="alert"' in html(r)
    assert stored(app, url)["consultations"]["mdr"]["answers"] == []


def test_script_in_every_field_is_never_reflected(client):
    evil = "<script>alert(1)</script>"
    page = html(client.get("/"))
    for r in (
        client.post("/start", data={"module": evil, "csrf_token": token(page)}),
        client.post("/resume", data={"code": evil, "csrf_token": token(page)}),
        client.get("/kb?q=" + evil),
        client.get("/?lang=" + evil),
        client.get("/" + evil),
    ):
        assert r.status_code in (200, 404) and evil not in html(r)
    url = start(client, "mdr")
    page = html(client.get(url))
    r = client.post(url, data={"question": evil, "answer": evil, "action": evil, "csrf_token": token(page)})
    assert r.status_code == 400 and evil not in html(r)
    r = client.get(f"{url}/whatif?q.{evil}={evil}")
    assert evil not in html(r)


def test_a_body_too_large_is_413(client):
    page = html(client.get("/"))
    r = client.post("/start", data={"module": "m" * (2 * 1024 * 1024), "csrf_token": token(page)})
    assert r.status_code == 413
    assert "<html" in html(r) and "Traceback" not in html(r)


@pytest.mark.parametrize("lang, words", [("sv", "Sidan finns inte"), ("en", "The page does not exist")])
def test_error_pages_are_bilingual(client, lang, words):
    r = client.get(f"/no/such/page?lang={lang}")
    assert r.status_code == 404 and words in html(r)


def test_question_page_has_the_contract_and_help(client):
    url = start(client, "mdr")
    page = html(client.get(url))
    assert page.count('<form method="post"') == 1
    assert re.search(r'<input type="hidden" name="question" value="mdr\.[a-z_]+">', page)
    assert ("radio", "yes") in options(page) and ("radio", "no") in options(page) and ("radio", "dont_know") in options(page)
    assert "<details" in page and "Varför frågar vi detta?" in page
    assert "<progress" in page


def test_json_body_of_saved_case_round_trips(app, client):
    url = start(client, "ip")
    run_through(client, url)
    data = stored(app, url)
    assert json.loads(json.dumps(data)) == data
    assert data["consultations"]["ip"]["format"] == "vagvisare.consultation/1"


# --- consortium registers and the MDR → IVDR handover -------------------------------------


def test_partner_table_fills_the_count_answers(client, app):
    url = start(client, "consortium")
    cid = case_id(url)
    page = html(client.get(f"/c/{cid}/consortium/partners"))
    rows = {"name_0": "Umeå universitet", "country_0": "SE", "kind_0": "university", "sme_0": "no"}
    rows |= {
        "name_1": "Oulun yliopisto",
        "country_1": "FI",
        "kind_1": "university",
        "name_2": "<script>x</script>",
        "country_2": "NO",
        "kind_2": "company",
        "sme_2": "yes",
    }
    r = client.post(f"/c/{cid}/consortium/partners", data={"csrf_token": token(page), "instrument": "horizon_collaborative", **rows})
    assert r.status_code == 200
    shown = facts(html(r))
    assert shown["consortium.entity_count"] == "3" and shown["consortium.member_state_count"] == "2"
    assert "<script>x" not in html(r)
    saved = stored(app, url)
    assert dict(saved["consultations"]["consortium"]["answers"])["consortium.entity_count"] == 3
    assert saved["partners"][0]["name"] == "Umeå universitet"
    bad = client.post(
        f"/c/{cid}/consortium/partners",
        data={"csrf_token": token(page), "instrument": "nope", "name_0": "X", "country_0": "SE", "kind_0": "alien"},
    )
    assert bad.status_code == 400 and stored(app, url) == saved


def test_directory_and_calendar(client):
    assert client.get("/directory").status_code == 200
    assert "data-partner=" in html(client.get("/directory?q="))
    assert client.get("/directory?role=<script>").status_code == 400
    r = client.get("/calendar?lang=en")
    assert r.status_code == 200 and "Call calendar" in html(r)


def test_mdr_result_offers_the_ivdr_guide_with_shared_answers(client, app):
    url = start(client, "mdr")
    picks = {"mdr.is_software": "yes", "mdr.software_drives_device": "ivd_device"}
    run_through(client, url, lambda qid, opts: picks.get(qid))
    result = html(client.get(url + "/result"))
    assert facts(result)["mdr.is_medical_device"] == "ivd" and 'data-handover="ivdr"' in result
    r = client.post(url + "/handover/ivdr", data={"csrf_token": token(result)})
    assert r.status_code == 303
    carried = dict(stored(app, url)["consultations"]["ivdr"]["answers"])
    assert carried.get("ivdr.is_software") is True
    assert client.post(url + "/handover/ip", data={"csrf_token": token(result)}).status_code == 404


def test_fuzz_pages_never_500(app):
    """Any query string on any page of a finished consultation: never a 500."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = app.test_client()
    url = start(client, "mdr")
    run_through(client, url)
    first = stored(app, url)["consultations"]["mdr"]["answers"][0][0]
    pages = st.sampled_from(["/result", "/whatif", "/check", f"/change/{first}", "/report", "", "/../kb", "/../../../directory"])
    keys = st.sampled_from(["why_not_fact", "why_not_value", f"q.{first}", "q.mdr.nope", "lang", "q", "role", "country", "rows"])
    values = st.text(max_size=12) | st.sampled_from(["mdr.class", "I", "III", "yes", "no", "dont_know", "en", "true"])

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(pages, st.dictionaries(keys, values, max_size=3))
    def check(page, params):
        r = client.get(url + page, query_string=params)
        assert r.status_code < 500, (page, params)

    check()


def test_an_advisor_can_apply_the_law_as_of_another_date(client, shipped):
    """The IVDR in-house exemption needs the Art 5(5)(d) justification only from 31 Dec 2030."""
    case = next(
        c
        for c in shipped.kb.tests
        if c.module == "ivdr" and c.expected.get("ivdr.in_house_exemption") == "yes_justification_due_2030_12_31"
    )
    url = start(client, "ivdr")
    run_through(client, url, choose=lambda qid, opts: _raw_form(case.answers[qid]))
    page = html(client.get(f"{url}/result"))
    post = client.post(f"{url}/as-of", data={"as_of": "2026-12-01", "csrf_token": token(page)})
    assert post.status_code == 303
    before = html(client.get(f"{url}/result"))
    assert facts(before)["ivdr.in_house_exemption"] == "yes_justification_due_2030_12_31" and "2026-12-01" in before
    client.post(f"{url}/as-of", data={"as_of": "2031-01-01", "csrf_token": token(before)})
    after = html(client.get(f"{url}/result"))
    assert facts(after)["ivdr.in_house_exemption"] == "no" and "2031-01-01" in after
    bad = client.post(f"{url}/as-of", data={"as_of": "<script>x</script>", "csrf_token": token(after)})
    assert bad.status_code == 400 and "<script>x" not in html(bad)


def _raw_form(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return value
    return str(value)
