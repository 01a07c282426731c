"""Baskets on hold: sales in progress set aside under a name (the `drafts` rows whose
`held_at` is set), their lines and payer kept with the sale in progress's own code."""

from __future__ import annotations

from datetime import datetime

from pos_app.domain.held_basket import HeldBasket
from pos_app.storage.draft_repository import SqlDrafts
from pos_app.storage.sql import SqlRepository, from_utc_text, utc_text


class SqlHeldBaskets(SqlRepository):
    def waiting(self, till_id: str, training: bool) -> list[HeldBasket]:
        """The till's baskets on hold, the longest waiting first."""
        rows = self._all(
            "SELECT d.id, d.held_name, d.held_at, d.held_by, coalesce(s.display_name,"
            " d.held_by) FROM drafts AS d LEFT JOIN staff AS s ON s.id = d.held_by"
            " WHERE d.till_id = ? AND d.held_at IS NOT NULL AND d.training = ?"
            " ORDER BY d.held_at, d.id", (till_id, training))
        drafts = SqlDrafts(self._sql)
        held = []
        for row in rows:
            draft = drafts.get(row[0])
            assert draft is not None  # read in the same transaction
            held.append(HeldBasket(row[0], row[1], from_utc_text(row[2]), row[3], row[4],
                                   draft.started_at, draft.basket, draft.training))
        return held

    def names(self, till_id: str) -> list[str]:
        return [row[0] for row in self._all(
            "SELECT held_name FROM drafts WHERE till_id = ? AND held_at IS NOT NULL",
            (till_id,))]

    def hold(self, draft_id: str, name: str, at: datetime, staff_id: str) -> None:
        """Set the sale in progress aside: it is the till's sale in progress no more."""
        self._run("UPDATE drafts SET held_name = ?, held_at = ?, held_by = ? WHERE id = ?",
                  (name, utc_text(at), staff_id, draft_id))

    def is_held(self, draft_id: str, till_id: str) -> bool:
        return self._one("SELECT 1 FROM drafts WHERE id = ? AND till_id = ?"
                         " AND held_at IS NOT NULL", (draft_id, till_id)) is not None

    def take_up(self, draft_id: str, version: int) -> None:
        """The basket on hold becomes the till's sale in progress again; its basket's
        saves are numbered from `version` on (the screen's own count)."""
        self._run("UPDATE drafts SET held_name = NULL, held_at = NULL, held_by = NULL,"
                  " version = ? WHERE id = ?", (version, draft_id))
