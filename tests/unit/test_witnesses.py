"""The heads a journal must reach, and monthly closures recomputed from their Zs, on
closure bodies as the closure chain holds them (domain/witnesses.py,
domain/closure_checks.py)."""

from __future__ import annotations

from typing import Any

from pos_app.domain.closure_checks import summed_figures, verify_period_closures
from pos_app.domain.witnesses import Witness, check_witnesses, note_witness, z_witnesses

A, B = "a" * 64, "b" * 64


def z(number: int, first: int, last: int, orders: int, takings: int, perpetual: int,
      to: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "z", "number": number, "period": {"from": None, "to": to},
            "order_entries": {"first": first, "last": last}, "orders": orders,
            "grand_totals": {"period_cents": takings, "perpetual_cents": perpetual,
                             "perpetual_absolute_cents": perpetual},
            "cash": {"expected_cents": 1000, "counted_cents": 990, "gap_cents": -10},
            **extra}


def month(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "month", "number": 1, "label": "2026-07", "staff_id": "gerant",
        "period": {"from": None, "to": "2026-07-31T18:00:00Z"},
        "parts": {"kind": "z", "first": 1, "last": 2},
        "order_entries": {"first": 1, "last": 9}, "orders": 7,
        "grand_totals": {"period_cents": 5000, "perpetual_cents": 5000,
                         "perpetual_absolute_cents": 5000},
        "cash": {"expected_cents": 2000, "counted_cents": 1980, "gap_cents": -20}}
    body.update(changes)
    return body


ZS = [(1, z(1, 1, 4, 3, 2000, 2000, "2026-07-30T18:00:00Z")),
      (2, z(2, 5, 9, 4, 3000, 5000, "2026-07-31T18:00:00Z"))]


def test_a_month_made_of_its_zs_is_sound() -> None:
    assert verify_period_closures([*ZS, (3, month())]) is None


def test_a_month_figure_its_zs_do_not_make_is_named() -> None:
    for changed, named in (
            ({"orders": 8}, "orders = 8, but its z closures 1 to 2 make 7"),
            ({"cash": {"expected_cents": 2000, "counted_cents": 1980, "gap_cents": 0}},
             "cash.gap_cents"),
            ({"order_entries": {"first": 2, "last": 9}}, "order_entries.first"),
            ({"period": {"from": None, "to": "2026-08-01T18:00:00Z"}}, "period.to"),
            ({"parts": {"kind": "z", "first": 2, "last": 2}}, "not those from z 1 on"),
            ({"parts": {"kind": "z", "first": 1, "last": 3}}, "come after it")):
        problem = verify_period_closures([*ZS, (3, month(**changed))])
        assert problem is not None and (problem.chain, problem.number) == ("closure", 3)
        assert named in problem.reason, (changed, problem.reason)


def test_a_closure_body_of_another_shape_is_a_problem_not_a_crash() -> None:
    problem = verify_period_closures([*ZS, (3, {"kind": "month", "number": 1})])
    assert problem is not None and "not a closure's" in problem.reason


def test_the_heads_a_z_recorded_and_the_server_acknowledged() -> None:
    body = z(2, 5, 9, 4, 3000, 5000, "2026-07-31T18:00:00Z",
             heads=[{"chain": "event", "number": 31, "hash": A}, {"chain": "order"}],
             server_acknowledged=[{"chain": "order", "number": 7, "hash": B},
                                  {"chain": "archive", "number": 0, "hash": "0" * 64}])
    found = z_witnesses([(4, body), (5, month())])
    assert found == [Witness("event", 31, A, "Z 2 (closure entry 4) recorded"),
                     Witness("order", 7, B, "as Z 2 (closure entry 4) recorded it",
                             server=True)]
    note = note_witness(40, {"event": "closure", "number": 2,
                             "z_entry": {"number": 4, "hash": A}})
    assert note is not None and (note.chain, note.number, note.hash) == ("closure", 4, A)
    assert note_witness(40, {"event": "closure", "number": 1}) is None  # written before


def test_a_chain_that_does_not_reach_a_witness_is_named_once() -> None:
    journal = {("event", 31): A, ("order", 7): A}
    witnesses = [Witness("event", 31, A, "Z 2 (closure entry 4) recorded"),
                 Witness("event", 40, A, "Z 3 (closure entry 6) recorded"),
                 Witness("event", 45, A, "Z 4 (closure entry 8) recorded"),
                 Witness("order", 7, B, "as the till keeps it", server=True),
                 Witness("duplicate", 2, A, "Z 2 (closure entry 4) recorded")]
    found = check_witnesses(witnesses, lambda chain, number: journal.get((chain, number)),
                            skip={"duplicate"})
    assert [(problem.chain, problem.number) for problem in found] == [("event", 40),
                                                                       ("order", 7)]
    assert found[0].reason.startswith("Z 3 (closure entry 6) recorded the event chain's"
                                      " head at entry 40 with hash aaaaaaaa…; the"
                                      " journal's entry 40 is missing")
    assert found[1].reason.startswith(
        "the server acknowledged order entry 7 with hash bbbbbbbb… (as the till keeps it);"
        f" the journal's entry 7 is aaaaaaaa… ({A}): the journal was rewritten")


def test_a_month_sums_its_zs_vat_per_rate_and_money_per_method() -> None:
    def figures(vat: list[tuple[int, int]], payments: list[tuple[str, int, int]]
                ) -> dict[str, Any]:
        return {"sales_cents": 100, "cancellations": 1, "cancelled_cents": 10, "returns": 0,
                "returned_cents": 0, "takings_absolute_cents": 110,
                "vat": [{"rate_bp": rate, "excl_cents": total - 1, "vat_cents": 1,
                         "total_cents": total} for rate, total in vat],
                "payments": [{"method": method, "taken_cents": taken,
                              "refunded_cents": refunded, "net_cents": taken - refunded}
                             for method, taken, refunded in payments]}

    summed = summed_figures([figures([(550, 100)], [("ESP", 500, 0)]),
                             figures([(2000, 50), (550, 10)], [("CB", 60, 0),
                                                                ("ESP", 0, 20)])])
    assert summed["vat"] == [
        {"rate_bp": 2000, "excl_cents": 49, "vat_cents": 1, "total_cents": 50},
        {"rate_bp": 550, "excl_cents": 108, "vat_cents": 2, "total_cents": 110}]
    assert summed["payments"] == [
        {"method": "CB", "taken_cents": 60, "refunded_cents": 0, "net_cents": 60},
        {"method": "ESP", "taken_cents": 500, "refunded_cents": 20, "net_cents": 480}]
    assert (summed["sales_cents"], summed["cancellations"],
            summed["takings_absolute_cents"]) == (200, 2, 220)
    # A part written before a figure existed: the figure is left out, not half summed.
    assert "vat" not in summed_figures([figures([], []), {"sales_cents": 1}])
    assert "sales_cents" in summed_figures([figures([], []), {"sales_cents": 1}])


def test_an_older_month_without_the_summed_figures_is_not_asked_for_them() -> None:
    zs = [(number, {**body, **summed_figures([])}) for number, body in ZS]
    assert verify_period_closures([*zs, (3, month())]) is None
    with_vat = [(number, {**body, "vat": [{"rate_bp": 550, "excl_cents": 9, "vat_cents": 1,
                                           "total_cents": 10}]}) for number, body in ZS]
    wrong = month(vat=[{"rate_bp": 550, "excl_cents": 18, "vat_cents": 2, "total_cents": 21}])
    problem = verify_period_closures([*with_vat, (3, wrong)])
    assert problem is not None and "records vat =" in problem.reason
    assert verify_period_closures([*with_vat, (3, month(vat=summed_figures(
        [body for _number, body in with_vat])["vat"]))]) is None
