"""A camera simulated by generated frames: tickets' QR codes (segno) and product barcodes
(zxing-cpp's writer) held up in front of a noisy background by a hand that moves a
little, with empty frames between two codes. Used by the tests, bench/camera.py and
`caisse devices simulate camera`; `write_video` makes a video file of them that OpenCV
reads back as it would a recording.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hardware.camera_scanner import Frame

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Image = NDArray[Any]  # what OpenCV gives: 8-bit grey or BGR pixels

FRAME_SIZE = (640, 480)  # width, height: what a till's webcam gives by default
FPS = 30


def code_image(code: str, symbology: str = "QRCode", gs1: bool = False) -> Image:
    """The code drawn black on white, one pixel per module, with its quiet zone; `gs1`:
    a GS1 code (FNC1 first; its "\x1d" separators written as such)."""
    import cv2
    import numpy as np

    if symbology == "QRCode" and not gs1:
        import segno

        png = io.BytesIO()
        segno.make_qr(code, error="m").save(png, kind="png", scale=1, border=4)
        image = cv2.imdecode(np.frombuffer(png.getvalue(), np.uint8), cv2.IMREAD_GRAYSCALE)
    else:
        import zxingcpp

        drawn = zxingcpp.create_barcode(code, zxingcpp.barcode_format_from_str(symbology),
                                        gs1=gs1)
        image = np.asarray(drawn.to_image(scale=1, add_quiet_zones=True), dtype=np.uint8)
    return np.ascontiguousarray(image)


def on_paper(frame: Image, paper_bgr: tuple[int, int, int]) -> Image:
    """A grey frame in colour, its white turned to the paper's colour (BGR) and its black
    kept: a code printed on yellow paper, say, whose blue channel is all dark."""
    import numpy as np

    light = frame.astype(np.float32)[..., None] / 255
    return np.clip(light * np.array(paper_bgr, np.float32), 0, 255).astype(np.uint8)


def ticket_frame(code_picture: Image, rng: random.Random,
                 size: tuple[int, int] = FRAME_SIZE, module_px: int = 5,
                 at: tuple[int, int] | None = None) -> Image:
    """A camera frame with the code at `at` (or somewhere in view), `module_px` camera
    pixels per module, on a grey, noisy, slightly blurred background."""
    import cv2
    import numpy as np

    frame = _background(rng, size)
    picture = cv2.resize(code_picture, None, fx=module_px, fy=module_px,
                         interpolation=cv2.INTER_NEAREST)
    height, width = picture.shape
    if at is None:
        at = (rng.randrange(0, max(1, size[0] - width)), rng.randrange(0, max(1, size[1] - height)))
    x, y = at
    frame[y:y + height, x:x + width] = picture[:size[1] - y, :size[0] - x]
    frame = cv2.GaussianBlur(frame, (3, 3), 0.8)  # a webcam's lens is not sharp
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 6, frame.shape)
    return np.clip(frame + noise, 0, 255).astype(np.uint8)


def empty_frame(rng: random.Random, size: tuple[int, int] = FRAME_SIZE) -> Image:
    import numpy as np

    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 6, (size[1], size[0]))
    return np.clip(_background(rng, size) + noise, 0, 255).astype(np.uint8)


def _background(rng: random.Random, size: tuple[int, int]) -> Image:
    import numpy as np

    return np.full((size[1], size[0]), rng.randrange(120, 200), dtype=np.uint8)


def ticket_frames(codes: Sequence[str], symbology: str = "QRCode", frames_per_code: int = 8,
                  gap_frames: int = 4, seed: int = 7,
                  size: tuple[int, int] = FRAME_SIZE, gs1: bool = False) -> list[Image]:
    """Each code held up for `frames_per_code` frames (the hand moving a few pixels
    between two), then `gap_frames` frames with nothing in view."""
    rng = random.Random(seed)
    frames: list[Image] = []
    for code in codes:
        picture = code_image(code, symbology, gs1)
        module_px = rng.randrange(3, 6) if "QR" in symbology else 2
        span = (picture.shape[1] * module_px, picture.shape[0] * module_px)
        x = rng.randrange(0, max(1, size[0] - span[0] - 8))
        y = rng.randrange(0, max(1, size[1] - span[1] - 8))
        for _ in range(frames_per_code):
            x = min(max(0, x + rng.randrange(-3, 4)), max(0, size[0] - span[0]))
            y = min(max(0, y + rng.randrange(-3, 4)), max(0, size[1] - span[1]))
            frames.append(ticket_frame(picture, rng, size, module_px, (x, y)))
        frames.extend(empty_frame(rng, size) for _ in range(gap_frames))
    return frames


class GeneratedCamera:
    """A FrameSource over frames made beforehand, timed as a camera at `fps` would give
    them; `realtime` also paces them at that rate (a live preview), the tests do not."""

    def __init__(self, frames: Sequence[Image], fps: float = FPS, realtime: bool = False,
                 name: str = "simulated") -> None:
        self.frames, self.fps, self.realtime, self.name = frames, fps, realtime, name
        self._next = 0
        self._started = time.monotonic()

    def read(self) -> Frame | None:
        if self._next >= len(self.frames):
            return None
        seen_at = self._next / self.fps
        if self.realtime:
            time.sleep(max(0.0, self._started + seen_at - time.monotonic()))
        self._next += 1
        return Frame(self.frames[self._next - 1], seen_at)

    def close(self) -> None:
        self._next = len(self.frames)


def write_video(frames: Sequence[Image], path: Path, fps: float = FPS) -> Path:
    """A Motion-JPEG AVI of the frames, which OpenCV reads without any codec installed."""
    import cv2

    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height),
                             isColor=False)
    try:
        for frame in frames:
            writer.write(frame)
    finally:
        writer.release()
    return path
