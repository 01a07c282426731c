"""A day of two tills, sent to a real server as tills send it: what the status page's
browser test checks and what `python3 dev.py server-screenshots` photographs.

"Caisse accueil" sold three orders, closed a Z whose counted cash is 15 € short, and its
order chain is flagged (an entry whose amount was changed after it was signed).
"Buvette du lac" sold two orders, closed a Z with no gap, and was last heard of two
hours ago. Offline for a while, the buvette also took the cash for the accueil's order
CD1-000043, which the accueil had been paid by card: both payments are kept, and the
order is a conflict to settle (paid twice). Each till's last heartbeat said what waits
in its outbox: three records at the accueil (for ten minutes), one rejected at the
buvette. Times are set around `now`, so the page reads like a real afternoon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from pos_app.domain.ids import new_id
from pos_app.domain.journal import Chain
from sync.contract import parse_acks, parse_answers
from sync.server.database import open_engine
from sync.server.schema import sync_conflicts, tills
from tests.server.support import Till, enrol

ACCUEIL = "Caisse accueil"
BUVETTE = "Buvette du lac"
FLAG_REASON = "entry 7: its content does not match its hash"
GAP_CENTS = -1500
PAID_TWICE = "CD1-000043"  # the accueil's order the buvette was paid for too


@dataclass(frozen=True)
class Demo:
    accueil: Till
    buvette: Till


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sale(till: Till, number: str, total: int, method: str, handed: int,
          moment: datetime) -> list[dict[str, Any]]:
    order = new_id()
    sold = till.record("order.validated", id=order, number=number, total_cents=total,
                       created_at=_at(moment))
    paid = till.record("payment.taken", order_id=order, order_number=number, method=method,
                       amount_cents=handed, change_cents=handed - total,
                       taken_at=_at(moment))
    for record in (sold, paid):
        record["created_at"] = _at(moment)
    return [sold, paid]


def _z(till: Till, number: int, takings: int, expected: int, counted: int,
       moment: datetime) -> dict[str, Any]:
    closure = till.record("closure.made", kind="z", number=number, at=_at(moment),
                          takings_cents=takings, cash_expected_cents=expected,
                          cash_counted_cents=counted, cash_gap_cents=counted - expected)
    closure["created_at"] = _at(moment)
    return closure


def _push(client: httpx.Client, till: Till, records: list[dict[str, Any]],
          entries: list[dict[str, Any]]) -> None:
    answer = client.post("/v1/records", json={"records": records}, headers=till.auth)
    assert answer.status_code == 200, answer.text
    assert {item.answer.value for item in parse_answers(answer.json())} == {"stored"}
    acked = client.post("/v1/journal", json={"entries": entries}, headers=till.auth)
    assert acked.status_code == 200, acked.text
    parse_acks(acked.json())


def populate(client: httpx.Client, database_url: str, now: datetime) -> Demo:
    """Enrol both tills on the server `client` speaks to and send their day."""
    accueil = enrol(client, database_url, ACCUEIL)
    accueil.clock = now - timedelta(hours=5)
    morning = now - timedelta(hours=4)
    records = accueil_records = [
        *_sale(accueil, "CD1-000041", 2800, "CB", 2800, morning),
        *_sale(accueil, "CD1-000042", 1250, "ESP", 2000, morning + timedelta(minutes=35)),
        *_sale(accueil, "CD1-000043", 4600, "CB", 4600, morning + timedelta(hours=1,
                                                                             minutes=30)),
        _z(accueil, 12, 8650, 16250, 16250 + GAP_CENTS, now - timedelta(minutes=25)),
    ]
    orders = accueil.entries(7)
    # Entry 7's amount changed after it was signed: the server keeps 1 to 6 and flags it.
    entries = [*orders[:6], {**orders[6], "amount_cents": orders[6]["amount_cents"] + 900},
               *accueil.entries(1, Chain.CLOSURE), *accueil.entries(4, Chain.EVENT)]
    _push(client, accueil, records, entries)

    buvette = enrol(client, database_url, BUVETTE)
    buvette.clock = now - timedelta(hours=6)
    noon = now - timedelta(hours=5)
    records = [
        *_sale(buvette, "CD3-000017", 1450, "ESP", 2000, noon),
        *_sale(buvette, "CD3-000018", 1700, "CB", 1700, noon + timedelta(hours=1)),
        _z(buvette, 8, 3150, 16450, 16450, now - timedelta(hours=2, minutes=15)),
    ]
    entries = [*buvette.entries(4), *buvette.entries(1, Chain.CLOSURE),
               *buvette.entries(3, Chain.EVENT)]
    _push(client, buvette, records, entries)
    accueil_order = next(record["payload"]["id"] for record in accueil_records
                         if record["payload"].get("number") == PAID_TWICE)
    cash = buvette.record("payment.taken", order_id=accueil_order, order_number=PAID_TWICE,
                          method="ESP", amount_cents=5000, change_cents=400,
                          taken_at=_at(now - timedelta(hours=2, minutes=20)))
    cash["created_at"] = _at(now - timedelta(hours=2, minutes=20))
    _push(client, buvette, [cash], [])
    for till, report in ((accueil, {"waiting": 3, "rejected": 0,
                                    "oldest_waiting_at": _at(now - timedelta(minutes=10))}),
                         (buvette, {"waiting": 0, "rejected": 1, "oldest_waiting_at": None})):
        heartbeat = client.post("/v1/ping", json=report, headers=till.auth)
        assert heartbeat.status_code == 200, heartbeat.text
    # Both were enrolled weeks ago; the buvette's last request was two hours ago, as a
    # till closed for the day leaves it.
    engine = open_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(update(tills).where(tills.c.id.in_([accueil.id, buvette.id]))
                               .values(enrolled_at=_at(now - timedelta(days=41))))
            connection.execute(update(tills).where(tills.c.id == buvette.id).values(
                last_contact_at=_at(now - timedelta(hours=2, minutes=5)),
                outbox_reported_at=_at(now - timedelta(hours=2, minutes=5))))
            connection.execute(update(sync_conflicts).where(
                sync_conflicts.c.till_id == buvette.id).values(
                detected_at=_at(now - timedelta(hours=2, minutes=5))))
    finally:
        engine.dispose()
    return Demo(accueil, buvette)
