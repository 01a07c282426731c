"""Child process for the kill test of a sale in progress: tenders 10-cent payments for
it in a loop, printing each payment's id once it is kept (that is, committed)."""

from __future__ import annotations

import sys
from pathlib import Path

from pos_app.bootstrap import open_store
from pos_app.domain.basket import Basket
from pos_app.services import drafts, selling
from pos_app.services.staff import sign_in


def main(data_dir: str) -> None:
    ctx = open_store(Path(data_dir)).context
    cashier = sign_in(ctx, "caissier", "1234")
    draft = drafts.current_draft(ctx)
    if draft is None:
        basket = Basket()
        selling.add_product(ctx, basket, "stage-paques")  # 245 €: room for many payments
        version = 1
    else:
        basket, version = draft.basket, draft.version
    print("ready", flush=True)
    while True:
        kept = drafts.tender(ctx, cashier, basket, version, "ESP", 10)
        print(kept.payments[-1].id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
