"""Camera: what the decoders read, and how fast the camera path is.

- Real photos (tests/data/barcodes, zxing-cpp's sample photos of QR, EAN-13 and Code 128
  codes, and pictures holding none): the images read right and read wrong by zxing-cpp
  alone (called directly, as the camera did before), pyzbar alone (ZBar on the grey
  image, every symbology) and the camera's pipeline (`decode_file`: the allow-list,
  zxing-cpp and its second chances, ZBar, the check digit). Goal: the pipeline reads
  more than either, and nothing wrong.
- Frames per second, live: generated 640×480 BGR frames through `CameraScanner` with the
  pipeline as a camera runs it (second chances kept to their share of the time), against
  zxing-cpp called directly on the same frames; once on frames of tickets' QR codes held
  up (most frames hold a code) and once on frames holding no code (what a camera sees
  most of the day, and where the second chances run). Target: at least 0.9× the direct
  calls' frames per second, the same codes found. The ratio against zxing-cpp asked for
  the same symbologies only is given too: the allow-list alone makes zxing-cpp faster.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.timing import Measure, Samples, interleave

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

TARGET_FPS_RATIO = 0.9
PHOTOS = Path(__file__).resolve().parents[1] / "tests" / "data" / "barcodes"


@dataclass
class Tally:
    """Images read right (the expected text among those found) and read wrong (a code
    found that is not the expected one, or any code in a picture holding none)."""

    right: int = 0
    wrong: int = 0

    def count(self, expected: str | None, found: list[str]) -> None:
        found = [_lines(text) for text in found]
        if expected is not None and expected in found:
            self.right += 1
        if any(text != expected for text in found):
            self.wrong += 1


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n")


def photos() -> list[tuple[Path, str | None]]:
    """Each photo and the text it holds (None: no code)."""
    found = []
    for photo in sorted(p for p in PHOTOS.glob("*/*") if p.suffix in {".png", ".webp", ".jpg"}):
        expected = photo.with_suffix(".txt")
        found.append((photo, _lines(expected.read_text(encoding="utf-8"))
                      if expected.exists() else None))
    return found


def read_photos() -> tuple[dict[str, Tally], Samples, Samples]:
    """Each decoder's tally over the photos (pyzbar's is left out without libzbar), and
    the time each photo took the pipeline and zxing-cpp alone."""
    import time

    import zxingcpp

    from hardware.camera_scanner import decode_file, grey, read_image

    tallies = {"zxing-cpp": Tally(), "pipeline": Tally()}
    zbar = _pyzbar()
    if zbar is not None:
        tallies["pyzbar"] = Tally()
    ours: list[float] = []
    direct: list[float] = []
    for photo, expected in photos():
        image = read_image(str(photo))
        started = time.perf_counter()
        tallies["zxing-cpp"].count(expected, [code.text for code in
                                              zxingcpp.read_barcodes(image)])
        direct.append(time.perf_counter() - started)
        if zbar is not None:
            tallies["pyzbar"].count(expected, [code.data.decode("utf-8", "replace")
                                               for code in zbar.decode(grey(image))])
        started = time.perf_counter()  # the file read again, as decode_file does
        tallies["pipeline"].count(expected, [text for text, _ in decode_file(str(photo))])
        ours.append(time.perf_counter() - started)
    return tallies, Samples(ours), Samples(direct)


def _pyzbar() -> Any:
    try:
        from pyzbar import pyzbar
    except ImportError:
        return None
    return pyzbar


def measure(rounds: int, tickets: int = 40) -> list[Measure]:
    import cv2

    from hardware.simulators.camera import empty_frame, ticket_frames

    tallies, photo_times, direct_times = read_photos()
    codes = [f"TKT-2026-{number:06d}" for number in range(1, tickets + 1)]
    # BGR frames, as a camera gives them: each ticket held for 6 frames, 2 empty between
    with_codes = [cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
                  for frame in ticket_frames(codes, frames_per_code=6, gap_frames=2)]
    rng = random.Random(11)
    without = [cv2.cvtColor(empty_frame(rng), cv2.COLOR_GRAY2BGR)
               for _ in range(len(with_codes))]
    read = ", ".join(f"{name} {tally.right}" for name, tally in tallies.items())
    wrong = ", ".join(f"{name} {tally.wrong}" for name, tally in tallies.items())
    total = sum(1 for _photo, expected in photos() if expected is not None)
    pipeline = tallies["pipeline"]
    reads_more = all(pipeline.right > tally.right for name, tally in tallies.items()
                     if name != "pipeline")
    photo_note = (f"photos with a code ({total}), read right: {read}; read wrong (of"
                  f" {len(photos())} photos): {wrong}")
    return [Measure(f"camera decoders on real photos, per photo: {photo_note}", photo_times,
                    direct_times, "zxing-cpp read_barcodes alone (pyzbar: counts only)",
                    "pipeline reads more than each, none wrong",
                    reads_more and pipeline.wrong == 0),
            _live(f"camera pipeline, {len(with_codes)} frames 640×480 of {tickets} tickets'"
                  f" QR codes", with_codes, codes, rounds),
            _live(f"camera pipeline, {len(without)} frames 640×480 holding no code", without,
                  [], rounds)]


def _live(name: str, frames: Sequence[Any], codes: list[str], rounds: int) -> Measure:
    import zxingcpp

    from hardware.camera_scanner import CameraScanner, ZxingDecoder
    from hardware.simulators.camera import GeneratedCamera
    from pos_app.domain.scan import Scan

    ours_found: list[list[str]] = []
    direct_found: list[set[str]] = []

    def ours(_index: int) -> None:
        scans: list[Scan] = []
        CameraScanner(GeneratedCamera(frames), scans.append).start().join(600)
        ours_found.append([scan.code for scan in scans])

    def direct(_index: int) -> None:
        direct_found.append({found.text for frame in frames
                             for found in zxingcpp.read_barcodes(frame)})

    allowed = ZxingDecoder()

    def restricted(_index: int) -> None:
        for frame in frames:
            allowed.decode(frame)

    mine, base = interleave(ours, direct, rounds, warmup=1)
    mine_again, narrow = interleave(ours, restricted, rounds, warmup=0)
    fps_ratio = base.median_ms / mine.median_ms
    narrow_ratio = narrow.median_ms / mine_again.median_ms
    per_frame = (_per_frame(mine, len(frames)), _per_frame(base, len(frames)))
    same_codes = all(found == codes for found in ours_found) and all(
        found == set(codes) for found in direct_found)
    return Measure(
        f"{name}, per frame ({1000 / per_frame[0].median_ms:.0f} fps; {fps_ratio:.2f}× the"
        f" direct fps; {narrow_ratio:.2f}× zxing-cpp asked for the allowed symbologies only;"
        f" {'each code read once, as directly' if same_codes else 'CODES DIFFER'})",
        per_frame[0], per_frame[1], "zxing-cpp read_barcodes on the same frames",
        f"≥ {TARGET_FPS_RATIO}× fps, same codes",
        fps_ratio >= TARGET_FPS_RATIO and same_codes)


def _per_frame(samples: Samples, frames: int) -> Samples:
    return Samples([seconds / frames for seconds in samples.seconds])


def report(rounds: int, print_line: Callable[[str], object] = print) -> int:
    """`python3 -m bench camera`: the camera's measures alone, printed (not written)."""
    from bench.__main__ import render

    measures = measure(rounds)
    print_line(render(measures))
    return 0 if all(m.passed for m in measures) else 1
