"""`caisse`: the till's command line. With no sub-command it opens the till window.

Every action goes through the same services as the screens, as a signed-in staff member
(cli/commands.py). The window's start loads only what the window needs.
"""

from __future__ import annotations

import argparse
import gc
import os
from collections.abc import Sequence
from pathlib import Path

from pos_app.bootstrap import (
    DATA_DIR_VARIABLE,
    Store,
    StoreAccess,
    default_data_dir,
    open_devices,
    open_store,
    open_sync,
)
from pos_app.cli.parser import read_arguments


def main(argv: Sequence[str] | None = None) -> int:
    args = read_arguments(argv)
    if args.command is not None:
        from pos_app.cli.commands import run_command

        return run_command(args)
    # The window's start makes tens of thousands of objects that live as long as the
    # till: the collector does not look through them while it starts (launch.begin_till
    # freezes them and turns it back on once the sale screen shows).
    gc.disable()
    store = open_or_fail(args)
    if isinstance(store, int):
        gc.enable()
        return store
    try:
        from pos_app.ui.launch import run_window
        from pos_app.ui.settings import SETTINGS_FILE, TillSettings

        return run_window(store.context, TillSettings(store.data_dir / SETTINGS_FILE),
                          lambda: open_devices(store.data_dir),
                          lambda: open_sync(store.data_dir))
    finally:
        store.close()


def open_or_fail(args: argparse.Namespace,
                 access: StoreAccess = StoreAccess.WRITE) -> Store | int:
    """The store of --data-dir, $CAISSE_DATA_DIR or the user's data directory; or, when it
    cannot be opened, the exit status after saying why. Only `caisse init` creates a
    store (StoreAccess.CREATE)."""
    data_dir = args.data_dir or Path(os.environ.get(DATA_DIR_VARIABLE) or default_data_dir())
    try:
        return open_store(data_dir, access=access)
    except Exception as error:  # noqa: BLE001 - any failure to open is reported, not raised
        from pos_app.cli import output
        from pos_app.domain.errors import StoreMissing

        if isinstance(error, StoreMissing):  # "no store in DIR: run `caisse init`"
            return output.fail(args.json, str(error))
        cause = getattr(error, "orig", None) or error  # the driver's words, not the wrapper's
        return output.fail(args.json, f"cannot open the store in {data_dir}: {cause}")
