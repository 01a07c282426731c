"""When a camera's sighting of a code becomes a scan. A camera sees a code in frame after
frame, and a worn, curved or badly lit one is sometimes read wrong: a bar taken for
another. So, before a sighting is a scan:

- an EAN or UPC code must end with its right check digit (a wrong bar almost always
  breaks it);
- any other one-dimensional code (Code 128 and the like, whose own checksum a misread
  can still satisfy) must be read the same in a second frame, within the repeat window;
- two-dimensional codes (QR and the like) carry their own error correction: one frame.

Then, as for every camera read, a code held in view is one scan (`RepeatFilter`)."""

from __future__ import annotations

from pos_app.domain.check_digit import CHECK_DIGIT_SYMBOLOGIES, has_valid_check_digit
from pos_app.domain.scan import MAX_REMEMBERED, RepeatFilter

# Symbologies with error correction over the whole symbol: one frame is enough.
SELF_CORRECTING = frozenset({"QRCode", "MicroQRCode", "RMQRCode", "DataMatrix", "Aztec",
                             "PDF417", "MicroPDF417", "MaxiCode"})


def needs_second_read(symbology: str) -> bool:
    """Whether a code of `symbology` must be seen twice, in two frames, to be a scan."""
    return symbology not in SELF_CORRECTING and symbology not in CHECK_DIGIT_SYMBOLOGIES


class CameraReads:
    """Decides, sighting by sighting, which are new scans (see the module)."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self.repeats = RepeatFilter(window_s)
        self._first_seen: dict[tuple[str, str], float] = {}  # a 1D code awaiting its second

    def scan(self, code: str, symbology: str, seen_at: float) -> bool:
        """Whether `code`, read as `symbology` in the frame seen at `seen_at` (seconds on
        the camera's monotonic clock), is a new scan."""
        if not code or not has_valid_check_digit(code, symbology):
            return False
        if needs_second_read(symbology) and not self._seen_before(code, symbology, seen_at):
            return False
        return self.repeats.fresh(code, seen_at)

    def _seen_before(self, code: str, symbology: str, seen_at: float) -> bool:
        """Whether the same code was read in an earlier frame within the window; each
        sighting is remembered as the one the next must follow."""
        key = (code, symbology)
        earlier = self._first_seen.get(key)
        if earlier is not None and earlier == seen_at:
            return False  # the same frame read twice (two passes) is one sighting
        self._first_seen[key] = seen_at
        if len(self._first_seen) > MAX_REMEMBERED:  # noise read all day: forget the old
            self._first_seen = {k: at for k, at in self._first_seen.items()
                                if at >= seen_at - self.window_s}
        return earlier is not None and 0 < seen_at - earlier <= self.window_s
