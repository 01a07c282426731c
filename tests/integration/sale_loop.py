"""Child process for the kill test: sells orders in a loop, printing each number once
the sale has returned (that is, once it is committed)."""

from __future__ import annotations

import sys
from pathlib import Path

from pos_app.bootstrap import open_store
from pos_app.domain.basket import Basket
from pos_app.services import selling
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in


def main(data_dir: str) -> None:
    ctx = open_store(Path(data_dir)).context
    cashier = sign_in(ctx, "caissier", "1234")
    print("ready", flush=True)
    while True:
        basket = Basket()
        selling.add_product(ctx, basket, "balade-poney-1h", 2)
        selling.add_product(ctx, basket, "creme-glacee")
        order = selling.sell(ctx, cashier, basket,
                             [PaymentRequest("ESP", 1000), PaymentRequest("CB", 2050)])
        print(order.number, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
