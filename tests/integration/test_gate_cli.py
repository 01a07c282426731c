"""`caisse ticket check|validate|void` and `caisse tickets stats|conflicts` on a real
store, in a child process, at the real time."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from pos_app.bootstrap import open_store
from pos_app.domain.ticket import Ticket, shown_reference
from tests.integration.test_cli import caisse, error, ok


def sold_ticket(data_dir: Path) -> Ticket:
    order = ok(caisse(data_dir, "order", "create", staff="caissier", secret="1234",
                      stdin=json.dumps({"lines": [{"product": "nocturne"}],
                                        "payments": [{"method": "CB", "amount": "8"}]})))
    store = open_store(data_dir)
    try:
        with store.context.uow(write=False) as uow:
            found = uow.orders.get_by_number(order["number"])
            assert found is not None
            [ticket] = uow.tickets.of_order(found.id)
    finally:
        store.close()
    return ticket


def refused(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 1, result.stdout + result.stderr
    body: dict[str, object] = json.loads(result.stdout)
    return body


def test_check_validate_void_and_the_figures(data_dir: Path) -> None:
    ticket = sold_ticket(data_dir)
    checked = ok(caisse(data_dir, "ticket", "check", ticket.token))
    assert checked["light"] == "green" and checked["reference"] == ticket.reference
    assert checked["product_name"] == "Nocturne aux flambeaux"
    assert (checked["entries_used"], checked["entries_allowed"]) == (0, 1)
    # Checking writes nothing: still green.
    assert ok(caisse(data_dir, "ticket", "check", ticket.reference))["admits"] is True
    assert "--staff" in error(caisse(data_dir, "ticket", "validate", ticket.reference))[
        "error"]
    validated = ok(caisse(data_dir, "ticket", "validate", shown_reference(ticket.reference),
                          staff="controle", secret="5678"))
    assert validated["outcome"] == "validated" and validated["entries_used"] == 1
    again = refused(caisse(data_dir, "ticket", "validate", ticket.token, staff="controle",
                           secret="5678"))
    assert (again["outcome"], again["reason"], again["light"]) == ("refused", "used_up",
                                                                   "red")
    assert refused(caisse(data_dir, "ticket", "check", "TK1:AAAA"))["reason"] == "forged"
    assert "may not void" in error(caisse(data_dir, "ticket", "void", ticket.reference,
                                          "--reason", "perdu", staff="caissier",
                                          secret="1234"))["error"]
    voided = ok(caisse(data_dir, "ticket", "void", ticket.reference, "--reason",
                       "Billet déchiré", staff="controle", secret="5678"))
    assert voided["voided"] == ticket.reference
    assert refused(caisse(data_dir, "ticket", "check", ticket.token))["reason"] == "voided"
    stats = ok(caisse(data_dir, "tickets", "stats"))
    assert stats["entries"] == 1 and stats["voided"] == 1
    assert stats["refusals"] == {"used_up": 1}  # a check alone is no refusal
    assert stats["per_product"] == [{"product_id": "nocturne",
                                     "name": "Nocturne aux flambeaux", "entries": 1}]
    text = subprocess.run([*caisse_command(data_dir), "tickets", "stats", "--csv"],
                          capture_output=True, text=True, check=True, timeout=60).stdout
    lines = text.splitlines()
    assert lines[0] == "figure,key,label,count"
    assert "product,nocturne,Nocturne aux flambeaux,1" in lines
    assert "refusal,used_up,,1" in lines
    assert ok(caisse(data_dir, "tickets", "conflicts")) == []


def caisse_command(data_dir: Path) -> list[str]:
    import sys

    return [sys.executable, "-m", "pos_app", "--data-dir", str(data_dir)]
