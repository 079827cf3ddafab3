"""Live training sessions (issue 14) through Flask's test client: a whole session with a trainer
and three participants, the distribution, the reveal equal to `engine.scenarios.reveal_steps`,
the summary and the export; self-study; hostile input (guessed codes, scripted and overlong
nicknames, forged answers, participants and other trainers at the controls), always refused
with a 4xx and never a 500."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from markupsafe import escape
from training_helpers import (
    answer,
    distributions,
    expected_steps,
    html,
    join,
    plain_expected,
    shown_steps,
    start_session,
    trainer,
)
from web_helpers import token

from engine.scenarios import expected_answers, expected_predictions, reveal_steps
from webui import audit, create_app
from webui.participate import clean_nickname
from webui.scenario_book import ScenarioBook
from webui.training_store import CODE_ALPHABET, normal_code

SCENARIO = "ip-poster-before-patent"


@pytest.fixture(scope="module")
def app(shipped, tmp_path_factory):
    db = tmp_path_factory.mktemp("training") / "t.sqlite3"
    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{db}",
            "WORKSPACE": shipped,
            "SECRET_KEY": "test",
            "SESSION_COOKIE_SECURE": False,
            "JOIN_RATE_LIMIT": 0,
            "API_RATE_LIMIT": 0,
        }
    )


@pytest.fixture(scope="module")
def scenario(shipped):
    return ScenarioBook(shipped).get(SCENARIO)


def _other(kb, fact, value):
    """A valid plain value of `fact` that differs from `value`."""
    return next(v for v in kb.fact_values(fact) if v != value)


def _key(kb, fact, value) -> str:
    """A plain answer as the `data-key` of its distribution row."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        order = kb.fact_values(fact)
        return ",".join(sorted(value, key=order.index))
    return str(value)


# --- a whole session -------------------------------------------------------------------------


def test_a_whole_session(app, shipped, scenario):
    kb = shipped.kb
    right = plain_expected(shipped, scenario, {**expected_answers(shipped, scenario), **expected_predictions(shipped, scenario)})
    facts = [*scenario.key_questions, *scenario.predict]
    answers = {
        "Anna": dict(right),
        "Björn": dict.fromkeys(facts, "dont_know"),
        "Chen": {
            **right,
            "ip.disclosure_channel": ["poster", "conference_talk"],
            "ip.months_since_disclosure": "dont_know",
            "ip.novelty_destroyed": _other(kb, "ip.novelty_destroyed", right["ip.novelty_destroyed"]),
            "ip.owner": _other(kb, "ip.owner", right["ip.owner"]),
        },
    }
    boss, boss_staff = trainer(app)
    screen, code = start_session(boss, SCENARIO)
    assert len(code) == 6 and all(ch in CODE_ALPHABET for ch in code)
    page = html(boss.get(screen))
    assert 'data-joined="0"' in page and "<script" not in page and 'http-equiv="refresh"' not in page

    phones, urls = {}, {}
    for name in answers:
        phones[name] = app.test_client()
        r = join(phones[name], code.lower() if name == "Chen" else code, name)  # any case
        assert r.status_code == 303, html(r)[:500]
        urls[name] = r.headers["Location"]
        form = html(phones[name].get(urls[name]))
        assert str(escape(scenario.narrative.sv)) in form and 'http-equiv="refresh"' not in form  # a form page never reloads itself
        assert re.findall(r'data-fact="([^"]+)"', form) == facts
    page = html(boss.get(screen))
    assert 'data-joined="3" data-answered="0"' in page
    for name, given in answers.items():
        r = answer(phones[name], urls[name], given)
        assert r.status_code == 303, html(r)[:1500]
    page = html(boss.get(screen))
    assert 'data-joined="3" data-answered="3"' in page
    expected = {fact: dict(Counter(_key(kb, fact, a[fact]) for a in answers.values())) for fact in facts}
    assert distributions(page) == expected
    assert 'class="right"' not in page  # nothing given away before the reveal

    # the reveal, step by step: exactly the real `how` of the scenario, with rules and sources
    steps = reveal_steps(shipped, scenario, "sv")
    for n in range(1, len(steps) + 1):
        r = boss.post(screen + "/reveal", data={"action": "next", "csrf_token": token(page)})
        assert r.status_code == 303
        page = html(boss.get(screen))
        assert shown_steps(page) == expected_steps(steps)[:n]
        mine = html(phones["Björn"].get(urls["Björn"]))
        assert shown_steps(mine) == expected_steps(steps)[:n]  # participants follow
    assert boss.post(screen + "/reveal", data={"action": "next", "csrf_token": token(page)}).status_code == 303
    assert len(shown_steps(html(boss.get(screen)))) == len(steps)  # never past the end
    boss.post(screen + "/reveal", data={"action": "back", "csrf_token": token(page)})
    assert len(shown_steps(html(boss.get(screen)))) == len(steps) - 1
    boss.post(screen + "/reveal", data={"action": "all", "csrf_token": token(page)})
    page = html(boss.get(screen))
    assert len(shown_steps(page)) == len(steps) and 'class="right"' in page
    for step in steps:
        for rule in step.rules:
            for source in rule.sources:
                assert str(escape(source.label)) in page

    # a participant sees their own answers, right or not, never anyone else's, never the controls
    anna, bjorn = html(phones["Anna"].get(urls["Anna"])), html(phones["Björn"].get(urls["Björn"]))
    assert "Anna" in anna and "Björn" not in anna and "Chen" not in anna
    assert "(rätt)" in anna and "(inte samma som berättelsen)" not in anna
    assert "(inte samma som berättelsen)" in bjorn
    for controls in ("data-reveal-next", "data-close", "data-export", "data-delete", "data-joined", "distribution"):
        assert controls not in anna
    # answers are locked once the reveal started
    r = answer(phones["Anna"], urls["Anna"], right)
    assert r.status_code == 409

    # summary and export
    summary = html(boss.get(screen + "/summary"))
    assert shown_steps(summary) == expected_steps(steps) and distributions(summary) == expected
    for point in scenario.learning_points:
        assert str(escape(point.sv)) in summary
    for prompt in scenario.discussion:
        assert str(escape(prompt.sv)) in summary
    for lang in ("sv", "en"):
        r = boss.get(screen + f"/export.md?lang={lang}")
        assert r.status_code == 200 and r.mimetype == "text/markdown" and "attachment" in r.headers["Content-Disposition"]
        text = r.get_data(as_text=True)
        assert code in text and "3 " in text
        for step in reveal_steps(shipped, scenario, lang):
            for rule in (*step.rules, *step.checked_by):
                assert f"`{rule.id}`" in text
                for source in rule.sources:
                    assert source.label in text
                    if lang == "en":
                        assert source.pinpoint in text
        for prompt in scenario.discussion:
            assert prompt.get(lang) in text
        for point in scenario.learning_points:
            assert point.get(lang) in text

    # close: no more joining or answering; participants see it is closed
    boss.post(screen + "/close", data={"csrf_token": token(page)})
    assert "data-closed" in html(phones["Chen"].get(urls["Chen"]))
    late = app.test_client()
    assert join(late, code, "Dana").status_code == 409
    assert join(phones["Anna"], code, "Anna").status_code == 303  # the same phone goes back to its answers

    # delete, after confirming
    confirm = html(boss.get(screen + "/delete"))
    assert "data-delete" in confirm
    assert boss.post(screen + "/delete", data={"csrf_token": token(confirm)}).status_code == 200
    assert boss.get(screen).status_code == 404
    assert phones["Anna"].get(urls["Anna"]).status_code == 404
    assert join(late, code, "Dana").status_code == 404
    session_id = screen.rsplit("/", 1)[1]
    logged = audit.entries(app.extensions["vagvisare_store"].engine, subject_id=session_id)
    assert [e["action"] for e in logged] == ["training.delete", "training.close", "training.export", "training.export", "training.start"]
    assert all(e["actor"] == f"staff:{boss_staff.id}" for e in logged)


def test_several_sessions_at_once_and_the_trainers_list(app):
    boss, _ = trainer(app)
    first, code1 = start_session(boss, SCENARIO)
    second, code2 = start_session(boss, "mdr-step-counter-wellness")
    assert code1 != code2
    a, b = app.test_client(), app.test_client()
    url_a = join(a, code1, "Ada").headers["Location"]
    url_b = join(b, code2, "Bo").headers["Location"]
    assert "mdr.medical_purpose" in html(b.get(url_b)) and "mdr.medical_purpose" not in html(a.get(url_a))
    listing = html(boss.get("/training"))
    assert code1 in listing and code2 in listing
    assert 'data-joined="1"' in html(boss.get(first)) and 'data-joined="1"' in html(boss.get(second))
    assert "data-training" in html(boss.get("/staff"))  # the staff home links here


def test_the_live_choice_is_the_readers(app):
    boss, _ = trainer(app)
    screen, code = start_session(boss, SCENARIO, live=True)
    assert 'http-equiv="refresh" content="5"' in html(boss.get(screen))
    assert "data-live-off" in html(boss.get(screen))
    page = html(boss.get(screen + "?live=0"))
    assert 'http-equiv="refresh"' not in page and "data-live-on" in page and "data-reload" in page
    assert 'http-equiv="refresh"' not in html(boss.get(screen))  # remembered
    phone = app.test_client()
    page = html(phone.get("/join"))
    url = phone.post("/join", data={"code": code, "nickname": "Eva", "live": "1", "csrf_token": token(page)}).headers["Location"]
    assert 'http-equiv="refresh"' not in html(phone.get(url))  # the form: never reloaded under the reader's fingers
    phone.post(url, data={"csrf_token": token(html(phone.get(url))), **{f"a.{f}": "dont_know" for f in _facts(app)}})
    assert 'http-equiv="refresh" content="5"' in html(phone.get(url))


def _facts(app):
    s = app.extensions["vagvisare_scenarios"].get(SCENARIO)
    return [*s.key_questions, *s.predict]


def test_english_pages(app):
    boss, _ = trainer(app)
    screen, code = start_session(boss, SCENARIO)
    page = html(boss.get(screen + "?lang=en"))
    assert '<html lang="en">' in page and "Reveal the next step" in page and "Join at" in page
    phone = app.test_client()
    assert "Join a training session" in html(phone.get("/join?lang=en&code=" + code))


# --- self-study ------------------------------------------------------------------------------


def test_self_study_stores_nothing_on_the_server(app, shipped):
    scenario = ScenarioBook(shipped).get("mdr-home-blood-pressure-app")
    engine = app.extensions["vagvisare_store"].engine

    def rows():
        with engine.connect() as conn:
            return [
                conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in ("cases", "training_sessions", "training_participants")
            ]

    before = rows()
    player = app.test_client()
    listing = html(player.get("/scenarios"))
    for s in ScenarioBook(shipped).scenarios():
        assert f'data-scenario="{s.id}"' in listing
    url = f"/scenarios/{scenario.id}"
    assert player.get(url + "/reveal").status_code == 303  # nothing answered yet
    right = plain_expected(shipped, scenario, {**expected_answers(shipped, scenario), **expected_predictions(shipped, scenario)})
    r = answer(player, url, right)
    assert r.status_code == 303 and r.headers["Location"].endswith("/reveal")
    page = html(player.get(url + "/reveal"))
    total = len(scenario.key_questions) + len(scenario.predict)
    assert f'data-score="{total}/{total}"' in page
    assert shown_steps(page) == expected_steps(reveal_steps(shipped, scenario, "sv"))
    assert str(escape(scenario.learning_points[0].sv)) in page and str(escape(scenario.misconception.sv)) in page
    assert rows() == before
    assert 'value="' in html(player.get(url))  # the form again, filled in from the cookie
    assert player.get("/scenarios/no-such-scenario").status_code == 404


# --- hostile input ---------------------------------------------------------------------------


def test_guessing_join_codes_is_rate_limited(shipped, tmp_path):
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}", "WORKSPACE": shipped, "SECRET_KEY": "g", "SESSION_COOKIE_SECURE": False}
    )
    app.config["JOIN_RATE_LIMIT"] = 5
    app.config["JOIN_RATE_WINDOW"] = 10**9  # one window for the whole test (no reset at a window's edge)
    boss, _ = trainer(app)
    _, code = start_session(boss, SCENARIO)
    guesser = app.test_client()
    wrong = next(c for c in ("AAAAAA", "BBBBBB") if c != code)
    statuses = [join(guesser, wrong, "Mallory").status_code for _ in range(5)]
    assert statuses == [404] * 5
    r = join(guesser, wrong, "Mallory")
    assert r.status_code == 429 and "För många" in html(r)
    assert join(guesser, code, "Mallory").status_code == 429  # a right guess is refused as well now
    other = app.test_client()
    r = other.post("/join", data={"code": code, "nickname": "Nina", "csrf_token": token(html(other.get("/join")))},
                   environ_base={"REMOTE_ADDR": "10.0.0.7"})  # fmt: skip
    assert r.status_code == 303  # other addresses are not locked out


@pytest.mark.parametrize(
    ("nickname", "problem"),
    [
        ("", "nickname_missing"),
        ("   \t ", "nickname_missing"),
        ("x" * 41, "nickname_long"),
        ("<script>alert(1)</script>", "nickname_chars"),
        ('Eve"><img src=x>', "nickname_chars"),
        ("Anna", None),
        ("Åsa-Britt O'Neil", None),
        ("An\x00na\u202e\u200b", None),
        ("x" * 40, None),
    ],
)
def test_nickname_rules(nickname, problem):
    name, found = clean_nickname(nickname)
    assert found == problem
    if problem is None:
        assert len(name) <= 40 and all(ch.isprintable() for ch in name)


def test_hostile_nicknames_are_refused_and_escaped(app):
    boss, _ = trainer(app)
    screen, code = start_session(boss, SCENARIO)
    phone = app.test_client()
    r = join(phone, code, "x" * 41)
    assert r.status_code == 400 and "högst 40 tecken" in html(r)
    r = join(phone, code, "<script>alert(1)</script>")
    assert r.status_code == 400 and "bokstäver, siffror" in html(r)
    assert "<script>alert" not in html(r) and "&lt;script&gt;" in html(r)  # shown back, escaped
    r = join(phone, code, "An\x00na\u202e")
    assert r.status_code == 303
    assert "Anna –" in html(boss.get(screen))
    # a nickname that got into the database some other way is still escaped on every page
    found = app.extensions["vagvisare_training"].by_code(code)
    sneaky = app.extensions["vagvisare_training"].join(found.id, "<b onmouseover=x>Z</b>")
    page = html(boss.get(screen))
    assert "<b onmouseover" not in page and "&lt;b onmouseover=x&gt;Z&lt;/b&gt;" in page
    assert "&lt;b onmouseover" in html(app.test_client().get(f"/p/{sneaky.id}"))


def test_forged_answers_are_refused(app, shipped, scenario):
    boss, _ = trainer(app)
    screen, code = start_session(boss, SCENARIO)
    phone = app.test_client()
    url = join(phone, code, "Forger").headers["Location"]
    page = html(phone.get(url))
    right = plain_expected(shipped, scenario, {**expected_answers(shipped, scenario), **expected_predictions(shipped, scenario)})
    base = {"csrf_token": token(page), **{"a." + f: v if isinstance(v, list) else [str(v)] for f, v in right.items()}}
    r = phone.post(url, data={**base, "a.mdr.class": "class_iii"})  # a question of another guide
    assert r.status_code == 400 and "inte finns i detta scenario" in html(r)
    r = phone.post(url, data={**base, "a." + "x" * 5000: "1"})
    assert r.status_code in (400, 413)
    r = phone.post(url, data={**base, "a.ip.disclosure_status": "bogus"})
    assert r.status_code == 400 and "error-summary" in html(r) and 'aria-invalid="true"' in html(r)
    r = phone.post(url, data={**base, "a.ip.owner": ""})
    assert r.status_code == 400 and "Välj ett svar" in html(r)
    r = phone.post(url, data={**base, "a.ip.disclosure_channel": ["poster", "dont_know"]})
    assert r.status_code == 400
    r = phone.post(url, data={k: v for k, v in base.items() if k != "csrf_token"})
    assert r.status_code == 400  # no CSRF token
    assert 'data-answered="0"' in html(boss.get(screen))  # nothing was saved
    assert phone.post(url, data=base).status_code == 303
    assert 'data-answered="1"' in html(boss.get(screen))
    assert phone.get("/p/" + "x" * 32).status_code == 404
    assert phone.post("/p/" + "x" * 32, data={"csrf_token": token(page)}).status_code == 404


def test_participants_cannot_use_the_trainers_controls(app):
    boss, _ = trainer(app)
    screen, code = start_session(boss, SCENARIO)
    phone = app.test_client()
    url = join(phone, code, "Pia").headers["Location"]
    csrf = token(html(phone.get(url)))  # a valid token of the participant's own session
    for path, data in (
        ("/reveal", {"action": "all"}),
        ("/close", {}),
        ("/delete", {}),
    ):
        r = phone.post(screen + path, data={**data, "csrf_token": csrf})
        assert r.status_code == 403, path
    assert phone.post("/training/start", data={"scenario": SCENARIO, "csrf_token": csrf}).status_code == 403
    for path in ("", "/summary", "/export.md", "/delete"):
        r = phone.get(screen + path)
        assert r.status_code == 303 and "/staff/sign-in" in r.headers["Location"]
    assert phone.get("/training").status_code == 303
    page = html(boss.get(screen))
    assert "data-revealed" not in page and "data-closed" not in page  # nothing changed


def test_a_trainer_controls_only_their_own_sessions(app):
    alice, _ = trainer(app)
    screen, code = start_session(alice, SCENARIO)
    bob, _ = trainer(app)
    csrf = token(html(bob.get("/training")))
    for path in ("", "/summary", "/export.md", "/delete"):
        r = bob.get(screen + path)
        assert r.status_code == 403 and "själv har startat" in html(r), path
    for path, data in (("/reveal", {"action": "next"}), ("/close", {}), ("/delete", {})):
        assert bob.post(screen + path, data={**data, "csrf_token": csrf}).status_code == 403, path
    assert code not in html(bob.get("/training"))  # not in their list either
    admin, _ = trainer(app, "admin")
    assert admin.get(screen).status_code == 200 and code in html(admin.get("/training"))
    advisor, _ = trainer(app, "advisor")
    assert advisor.get(screen).status_code == 403
    r = alice.post(screen + "/reveal", data={"action": "sideways", "csrf_token": token(html(alice.get(screen)))})
    assert r.status_code == 400
    assert alice.post("/training/start", data={"scenario": "nope", "csrf_token": csrf}).status_code in (400, 403)
    r = alice.post("/training/start", data={"scenario": "nope", "csrf_token": token(html(alice.get("/training")))})
    assert r.status_code == 400
    assert alice.get("/training/" + "y" * 32).status_code == 404


def test_join_codes_are_read_as_typed():
    assert normal_code(" ab-c 2d3 ") == "ABC2D3"
    assert normal_code("ABC2D") == "" and normal_code("ABC2D30") == "" and normal_code("ABCDE0") == ""  # 0 is no code letter


def test_every_phrase_of_the_training_pages_is_in_swedish_and_english():
    from pathlib import Path

    from webui.messages import t

    root = Path(__file__).resolve().parent.parent / "webui"
    files = [root / "templates" / f"{name}.html" for name in TEMPLATES] + [root / f"{name}.py" for name in MODULES]
    keys = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r"\btr\('([a-z0-9_]+)'[,)]", text))
        keys |= set(re.findall(r'refuse\(\d{3}, "([a-z0-9_]+)"', text))
        keys |= set(re.findall(r'problem="([a-z0-9_]+)"', text))
    keys |= {"nickname_missing", "nickname_long", "nickname_chars", "step_question", "step_input", "step_conclusion"}
    assert len(keys) > 60
    values = {"n": 40, "a": 1, "m": 2, "url": "u", "q": "q", "name": "n", "value": "v", "code": "c", "date": "d", "right": 1, "total": 2}
    for key in sorted(keys):
        sv, en = t(key, "sv", **values), t(key, "en", **values)
        assert sv.strip() and en.strip(), key


TEMPLATES = (
    "_training",
    "join",
    "participant_form",
    "participant_wait",
    "study_list",
    "study_play",
    "study_reveal",
    "training_list",
    "training_screen",
    "training_summary",
    "training_delete",
    "training_deleted",
)
MODULES = ("participate", "selfstudy", "training")
