"""The managers' status page as HTML: the sign-in and its session, what the page shows
of the tills (escaped), their journal's flags, their latest Z and its cash gap, the
synchronisation conflicts; a French 503 page when the database cannot be used, never a
500. On the application in this process (SQLite), and the figures on a real
`caisse-server` process on SQLite and on PostgreSQL."""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatch
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from markupsafe import escape
from sqlalchemy import Engine, select, update

from pos_app.domain.ids import new_id
from sync.server import admins, conflicts, french, reports
from sync.server.app import create_app
from sync.server.database import now, open_engine, sqlite_url, writing
from sync.server.migrate import upgrade
from sync.server.pages import COOKIE
from sync.server.schema import admin_sessions, admin_tokens, journal_flags, tills
from sync.server.tills import make_enrol_code, revoke
from tests.server.inprocess import InProcess
from tests.server.support import Till, enrol, free_port

ROOT = Path(__file__).resolve().parents[2]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
NBSP, NNBSP = "\xa0", "\u202f"  # as CLDR's French writes amounts


@pytest.fixture
def app_url(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path)
    engine = open_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def app_engine(app_url: str) -> Iterator[Engine]:
    engine = open_engine(app_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app(app_url: str) -> FastAPI:
    return create_app(app_url)


@pytest.fixture
def http(app: FastAPI) -> Iterator[InProcess]:
    client = InProcess(app)
    yield client
    client.close()


def sign_in(http: InProcess | httpx.Client, token: str) -> dict[str, str]:
    """The Cookie header of a session opened with `token` on the sign-in form. The
    client forgets the cookie (a browser would keep it): each request of these tests
    says whether it sends one."""
    answer = http.post("/login", content=f"jeton={token}", headers=FORM)
    http.cookies.clear()
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/status"
    cookie = answer.headers["set-cookie"]
    value = cookie.split(";")[0].split("=", 1)[1]
    return {"Cookie": f"{COOKIE}={value}"}


def page(http: InProcess | httpx.Client, cookie: dict[str, str]) -> str:
    answer = http.get("/status", headers=cookie)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    return answer.text


def section(text: str, name: str) -> str:
    """The page's section `name` (its id), up to the next one."""
    start = text.index(f'<section class="card" id="{name}"')
    return text[start:text.index("</section>", start)]


def row(text: str, name: str, holding: str) -> str:
    """The table row of section `name` that holds `holding`, from `<tr` to `</tr>`."""
    return next(found.group(0) for found in re.finditer(r"<tr.*?</tr>", section(text, name),
                                                         re.DOTALL)
                if holding in found.group(0))


def test_the_page_asks_for_a_session_that_an_admin_token_opens(
        http: InProcess, app_engine: Engine) -> None:
    home = http.get("/")
    assert (home.status_code, home.headers["location"]) == (303, "/status")
    asked = http.get("/status")
    assert (asked.status_code, asked.headers["location"]) == (303, "/login")
    form = http.get("/login")
    assert form.status_code == 200 and '<html lang="fr">' in form.text
    assert "Jeton d'administration" in form.text and "caisse-server admin-token" in form.text
    assert "default-src 'none'" in form.headers["content-security-policy"]
    assert "<script" not in form.text

    wrong = http.post("/login", content="jeton=not-a-token", headers=FORM)
    assert wrong.status_code == 401
    assert "Ce jeton n'est pas reconnu" in html.unescape(wrong.text)
    assert "set-cookie" not in wrong.headers
    not_a_form = http.post("/login", json={"jeton": "x"})
    assert not_a_form.status_code == 400 and "set-cookie" not in not_a_form.headers

    made = admins.make_token(app_engine, "Gérante")
    answer = http.post("/login", content=f"jeton={made.token}", headers=FORM)
    http.cookies.clear()
    cookie = answer.headers["set-cookie"]
    for attribute in ("HttpOnly", "Max-Age=43200", "Path=/", "SameSite=lax"):
        assert attribute in cookie, cookie
    assert "Secure" not in cookie  # plain HTTP on 127.0.0.1; behind HTTPS it is Secure
    session = {"Cookie": cookie.split(";")[0]}
    assert http.get("/status").status_code == 303  # the cookie opens the page
    assert "Conflits de synchronisation" in page(http, session)
    again = http.get("/login", headers=session)
    assert (again.status_code, again.headers["location"]) == (303, "/status")

    # Only hashes are kept: neither the token nor the cookie's value is in the database.
    secret = session["Cookie"].split("=", 1)[1]
    with app_engine.connect() as connection:
        kept = [*connection.execute(select(admin_tokens.c.token_hash)).scalars(),
                *connection.execute(select(admin_sessions.c.session_hash)).scalars()]
    assert all(made.token not in value and secret not in value for value in kept)

    # The JSON API's authentication is its own: neither opens it.
    for headers in ({"Authorization": f"Bearer {made.token}"}, session):
        assert http.get("/v1/ping", headers=headers).status_code == 401
    forged = http.get("/status", headers={"Cookie": f"{COOKIE}=forged"})
    assert (forged.status_code, forged.headers["location"]) == (303, "/login")

    out = http.post("/logout", headers=session)
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    assert f'{COOKIE}=""' in out.headers["set-cookie"] and "Max-Age=0" in out.headers[
        "set-cookie"]
    ended = http.get("/status", headers=session)
    assert (ended.status_code, ended.headers["location"]) == (303, "/login")


def test_a_session_ends_with_its_day_or_when_the_tokens_are_revoked(
        http: InProcess, app_engine: Engine) -> None:
    token = admins.make_token(app_engine).token
    yesterday = admins.open_session(app_engine, token, datetime.now(UTC) - timedelta(hours=13))
    assert yesterday is not None
    assert not admins.signed_in(app_engine, yesterday.secret)
    session = sign_in(http, token)
    assert admins.revoke_all(app_engine) == 1
    assert http.get("/status", headers=session).status_code == 303
    assert http.post("/login", content=f"jeton={token}", headers=FORM).status_code == 401
    with app_engine.connect() as connection:  # ended sessions are not kept
        assert connection.execute(select(admin_sessions)).all() == []


def test_till_names_and_conflict_details_are_escaped_and_conflicts_listed(
        http: InProcess, app_engine: Engine) -> None:
    session = sign_in(http, admins.make_token(app_engine).token)
    assert "Aucun conflit." in section(page(http, session), "conflits")
    name = '<script>alert("caisse")</script> & Cie'
    till, other = Till(name), Till("Caisse terrasse")
    for each in (till, other):
        code = make_enrol_code(app_engine, each.name).code
        each.token = http.post("/v1/enrol", json=each.enrol_request(code)).json()["token"]
    order = new_id()
    with writing(app_engine) as connection:
        conflicts.record(connection, "order.paid_twice", till.id, order,
                         {"note": "<b>payée deux fois</b>", "paid_cents": [1400, 1400]},
                         now(), other.id)
        resolved = conflicts.record(connection, "customer.edited", other.id, "c-17", {},
                                    now())
        connection.execute(conflicts.sync_conflicts.update().where(
            conflicts.sync_conflicts.c.id == resolved).values(resolved_at=now()))
    text = page(http, session)
    assert name not in text and "<b>" not in text
    assert escape(name) in text
    listed = section(text, "conflits")
    assert "Aucun conflit" not in listed
    assert "Commande payée deux fois" in listed and order in listed
    assert "&lt;b&gt;payée deux fois&lt;/b&gt;" in listed
    assert f"{escape(name)}</span> et <span" in listed
    assert "Caisse terrasse" in listed and "c-17" not in listed  # only the unresolved
    assert "1 conflit résolu n'apparaît plus." in listed


def test_a_long_history_is_shown_by_its_newest_flags_and_details_are_cut_short(
        http: InProcess, app_engine: Engine) -> None:
    session = sign_in(http, admins.make_token(app_engine).token)
    till = Till("Caisse bavarde")
    code = make_enrol_code(app_engine, till.name).code
    till.token = http.post("/v1/enrol", json=till.enrol_request(code)).json()["token"]
    with writing(app_engine) as connection:
        connection.execute(journal_flags.insert(), [
            {"till_id": till.id, "chain": "order", "number": 2, "entry_hash": f"{n:064x}",
             "reason": f"entry {n} came again with another hash than the one held",
             "flagged_at": now()} for n in range(1, 61)])
        conflicts.record(connection, "order.paid_twice", till.id, "o-1",
                         {"note": "x" * 5000}, now())
    text = page(http, session)
    flagged = section(text, "journal")
    assert flagged.count('<tr class="flagged">') == reports.FLAGS_SHOWN
    assert "l&#39;entrée 60 " in flagged and "l&#39;entrée 10 " not in flagged
    assert "Les 50 plus récents sont affichés sur 60" in flagged
    # '{"note": "' and 389 x: 399 characters and the ellipsis.
    assert "x" * 389 + "…" in section(text, "conflits") and "x" * 390 not in text


def test_a_database_that_does_not_answer_is_a_french_503_page() -> None:
    nowhere = f"postgresql+psycopg://root@127.0.0.1:{free_port()}/none"
    client = InProcess(create_app(nowhere))
    try:
        for answer in (client.get("/status", headers={"Cookie": f"{COOKIE}=x"}),
                       client.post("/login", content="jeton=x", headers=FORM)):
            assert answer.status_code == 503
            assert answer.headers["content-type"] == "text/html; charset=utf-8"
            assert answer.headers["retry-after"] == "10"
            assert "La base de données ne répond pas" in answer.text
            assert '<html lang="fr">' in answer.text
    finally:
        client.close()


def test_an_unexpected_error_is_a_french_503_page_never_a_500(
        http: InProcess, app_engine: Engine, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    session = sign_in(http, admins.make_token(app_engine).token)

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug in a query")

    monkeypatch.setattr(reports, "server_state", broken)
    answer = http.get("/status", headers=session)
    assert answer.status_code == 503 and answer.headers["retry-after"] == "10"
    assert "Le serveur n'a pas pu afficher cette page" in html.unescape(answer.text)
    assert "a bug in a query" in caplog.text and "a bug" not in answer.text


def test_the_page_shows_each_till_its_journal_flags_and_its_latest_z_with_its_gap(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    name = f"<script>alert(1)</script> Bar {new_id()[-6:]}"
    till = enrol(client, database_url, name)
    sold = new_id()
    records = [
        till.record("order.validated", id=sold, number="CD4-000001", total_cents=3200),
        till.record("payment.taken", order_id=sold, order_number="CD4-000001",
                    amount_cents=3200),
        till.record("closure.made", kind="z", number=4, takings_cents=2000,
                    at="2026-11-29T17:30:00Z"),
        till.record("closure.made", kind="z", number=5, takings_cents=3200,
                    cash_expected_cents=20000, cash_counted_cents=19850,
                    cash_gap_cents=-150, at="2026-11-30T17:45:00Z"),
    ]
    assert client.post("/v1/records", json={"records": records},
                       headers=till.auth).status_code == 200
    entries = till.entries(3)
    client.post("/v1/journal", headers=till.auth, json={"entries": [
        *entries[:2], {**entries[2], "amount_cents": 1}]})
    quiet = enrol(client, database_url)
    revoke(engine, quiet.name)
    with engine.begin() as connection:
        connection.execute(update(tills).where(tills.c.id == till.id).values(
            last_contact_at="2026-11-30T13:05:00Z"))

    text = page(client, sign_in(client, admins.make_token(engine).token))
    shown = str(escape(name))
    assert "<script>alert(1)</script>" not in text and shown in text
    for label in ("État du serveur", "Caisses", "Dernier contact", "Journal fiscal",
                  "Dernières clôtures Z", "Conflits de synchronisation"):
        assert label in text
    till_row = row(text, "caisses", f'<span class="name">{shown}</span>')
    assert "30/11/2026 14:05" in till_row  # Paris time
    assert "En service" in till_row and "n° 4 du" in till_row
    assert "2 commandes validées" not in till_row and "1 commande validée" in till_row
    assert "2 clôtures" in till_row and "1 paiement" in till_row
    assert ">—<" in till_row  # what no till reports: neither invented nor zero

    journal = next(part for part in section(text, "journal").split(
        '<div class="j-till" role="row">')[1:] if shown in part)
    assert 'class="j-chain flagged"' in journal and "SIGNALÉE" in journal
    assert "l'entrée 3 : son contenu ne correspond pas à son empreinte" in html.unescape(
        journal)
    assert f"n° 2</span>\n          <code class=\"hash\" title=\"{entries[1]['hash']}\">" \
           f"{entries[1]['hash'][:12]}…</code>" in journal

    z_row = row(text, "clotures", f'<span class="name">{shown}</span>')
    assert z_row.startswith('<tr class="gap">')
    assert "30/11/2026 18:45" in z_row  # the latest Z, not the 4th
    for amount in (f"32,00{NBSP}€", f"200,00{NBSP}€", f"198,50{NBSP}€", f"-1,50{NBSP}€"):
        assert amount in z_row
    assert "manque" in z_row

    revoked = row(text, "caisses", f'<span class="name">{escape(quiet.name)}</span>')
    assert revoked.startswith('<tr class="revoked">') and "Révoquée" in revoked


def test_a_tills_heartbeat_and_an_order_two_tills_paid_are_shown(
        client: httpx.Client, database_url: str, engine: Engine) -> None:
    seller = enrol(client, database_url, f"Caisse accueil {new_id()[-6:]}")
    other = enrol(client, database_url, f"Buvette {new_id()[-6:]}")
    order = new_id()
    sold = seller.record("order.validated", id=order, number="CD7-000012", total_cents=2800)
    paid = [till.record("payment.taken", order_id=order, order_number="CD7-000012",
                        amount_cents=2800) for till in (seller, other)]
    for till, records in ((seller, [sold, paid[0]]), (other, [paid[1]])):
        answer = client.post("/v1/records", json={"records": records}, headers=till.auth)
        assert {item["answer"] for item in answer.json()["answers"]} == {"stored"}

    # The seller's heartbeat says what waits in its outbox; the other till's says
    # nothing (GET, as a till before it did), then a body the protocol refuses.
    heartbeat = client.post("/v1/ping", headers=seller.auth, json={
        "waiting": 1234, "rejected": 2, "oldest_waiting_at": "2026-11-30T13:05:00Z"})
    assert heartbeat.status_code == 200, heartbeat.text
    assert heartbeat.json()["name"] == seller.name
    assert client.get("/v1/ping", headers=other.auth).status_code == 200
    for body, reason in (({"waiting": 1, "rejected": -2, "oldest_waiting_at": None},
                          "request.rejected: out of range"),
                         ({"waiting": 1, "rejected": 0}, "request.oldest_waiting_at: missing"),
                         ([], "request: an object is expected")):
        refused = client.post("/v1/ping", headers=other.auth, json=body)
        assert (refused.status_code, refused.json()["error"]) == (422, reason)
    with engine.connect() as connection:
        kept = connection.execute(select(
            tills.c.outbox_waiting, tills.c.outbox_rejected, tills.c.outbox_oldest_at,
            tills.c.outbox_reported_at).where(tills.c.id.in_([seller.id, other.id]))
            .order_by(tills.c.id != seller.id)).all()
    assert [tuple(row) for row in kept] == [
        (1234, 2, "2026-11-30T13:05:00Z", heartbeat.headers["x-server-time"]),
        (None, None, None, None)]

    text = page(client, sign_in(client, admins.make_token(engine).token))
    mine = row(text, "caisses", f'<span class="name">{seller.name}</span>')
    reported = french.paris_time(heartbeat.headers["x-server-time"])
    assert '<span class="short">2</span>' in mine
    assert f"1{NNBSP}234" in mine and "depuis le <span class=\"date\">30/11/2026 14:05" in mine
    assert mine.count(f'au <span class="date">{reported}</span>') == 2
    theirs = row(text, "caisses", f'<span class="name">{other.name}</span>')
    assert theirs.count(">—<") == 2  # it said nothing: neither invented nor zero
    listed = row(text, "conflits", order)
    assert "Commande payée deux fois" in listed
    assert f'<span class="name">{other.name}</span> et <span class="name">{seller.name}' \
        in listed or f'<span class="name">{seller.name}</span> et <span class="name">' \
        f'{other.name}' in listed
    # The detail in French: the order, what it is worth, what was paid, by whom.
    assert html.unescape(listed).count(f"Commande CD7-000012 : due 28,00{NBSP}€, payée"
                                       f" 56,00{NBSP}€ — ") == 1
    for till in (seller, other):
        assert f"{till.name} : ESP 28,00{NBSP}€" in html.unescape(listed)


def test_a_paid_twice_detail_in_french_or_as_kept_when_not_of_its_shape() -> None:
    detail = {"order_number": "CD1-000043", "due_cents": 4600, "paid_cents": 9600,
              "payments": [{"till_name": "Caisse accueil", "method": "CB",
                            "amount_cents": 4600, "change_cents": 0},
                           {"till_name": "Buvette du lac", "method": "ESP",
                            "amount_cents": 5000, "change_cents": 400}]}
    assert french.paid_twice(detail) == (
        f"Commande CD1-000043 : due 46,00{NBSP}€, payée 96,00{NBSP}€ — Caisse accueil :"
        f" CB 46,00{NBSP}€ ; Buvette du lac : ESP 50,00{NBSP}€ (rendu 4,00{NBSP}€)")
    for odd in ({"note": "x"}, "text", {"payments": [{"amount_cents": "12"}]},
                {"payments": ["x"]}):
        assert french.paid_twice(odd) is None


def test_french_amounts_times_and_reasons() -> None:
    assert french.euros(123450) == f"1{NNBSP}234,50{NBSP}€"
    assert french.euros(None) == "—"
    assert [french.signed_euros(c) for c in (200, -150, 0)] == [
        f"+2,00{NBSP}€", f"-1,50{NBSP}€", f"0,00{NBSP}€"]
    assert french.paris_time("2026-11-30T13:05:00Z") == "30/11/2026 14:05"  # winter, +1
    assert french.paris_time("2026-07-11T08:00:00+00:00") == "11/07/2026 10:00"  # summer
    assert french.paris_time("not a time") == "not a time"
    at = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    assert [french.ago(text, at) for text in (
        "2026-11-30T13:59:30Z", "2026-11-30T13:55:00Z", "2026-11-30T11:00:00Z",
        "2026-11-27T14:00:00Z", "2026-11-30T14:10:00Z", None)] == [
        "à l'instant", "il y a 5 min", "il y a 3 h", "il y a 3 j", "dans 10 min", ""]
    assert [french.kind("payment.taken", n) for n in (0, 1, 2, 1234)] == [
        "0 paiement", "1 paiement", "2 paiements", f"1{NNBSP}234 paiements"]
    # Every reason the journal gives (docs/sync.md) reads in French; another as it is.
    for reason in (
            "entry 2 came again with another hash than the one held",
            "entry 2 came again with content that does not match its hash",
            "entry 2: it does not follow the entry held before it (its previous hash differs)",
            "entry 2: its content does not match its hash",
            "entry 2: signed by a key the till did not enrol (key 0123abcd)",
            "entry 2: its signature is not valid"):
        translated = french.flag_reason(reason)
        assert translated.startswith("l'entrée 2 ") and "entry" not in translated, reason
    assert french.flag_reason("something new") == "something new"


def test_the_templates_ship_with_the_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["sync"]
    templates = sorted((ROOT / "sync" / "server" / "templates").iterdir())
    assert templates
    for template in templates:
        inside = template.relative_to(ROOT / "sync").as_posix()
        assert any(fnmatch(inside, pattern) for pattern in patterns), inside
