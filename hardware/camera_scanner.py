"""A camera that reads the codes held up to it (tickets' QR codes, product barcodes).

Frames come from OpenCV (a camera, or a video file) or any `FrameSource`; zxing-cpp
decodes them (pyzbar, for those who want it, when installed) on the scanner's own
thread, never the screen's. A code held in view for seconds is one `Scan`: repeated
sightings within a short window are dropped (domain `RepeatFilter`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from pos_app.domain.scan import RepeatFilter, Scan
from pos_app.services.ports import ScannerUnavailable

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Image = NDArray[Any]  # what OpenCV gives: 8-bit grey or BGR pixels

# A ticket held up for a few seconds gives dozens of frames: one read. Shown again after
# it was out of sight this long, it is a new read (a second visitor with a copy, say).
REPEAT_WINDOW_S = 1.5
# pyzbar's names for the symbologies, as zxing-cpp names them (one vocabulary in a Scan)
_PYZBAR_NAMES = {"QRCODE": "QRCode", "EAN13": "EAN13", "EAN8": "EAN8", "CODE128": "Code128",
                 "CODE39": "Code39", "CODE93": "Code93", "I25": "ITF", "UPCA": "UPCA",
                 "UPCE": "UPCE", "PDF417": "PDF417", "CODABAR": "Codabar",
                 "DATABAR": "DataBar", "DATABAR_EXP": "DataBarExpanded"}


class Frame(NamedTuple):
    image: Image  # BGR or grayscale, as OpenCV gives it
    seen_at: float  # seconds on a monotonic clock (a video file: its own time)


class FrameSource(Protocol):
    name: str

    def read(self) -> Frame | None:
        """The next frame; None when there are no more (a file ended, a camera gone)."""

    def close(self) -> None: ...


class Decoder(Protocol):
    def decode(self, image: Image) -> list[tuple[str, str]]:
        """Each code found in the image: its text and its symbology."""


class ZxingDecoder:
    """zxing-cpp, on a grayscale copy: a third of the bytes to look through."""

    def __init__(self) -> None:
        import cv2
        import zxingcpp

        self._cv2, self._zxing = cv2, zxingcpp

    def decode(self, image: Image) -> list[tuple[str, str]]:
        gray = image if image.ndim == 2 else self._cv2.cvtColor(image,
                                                                self._cv2.COLOR_BGR2GRAY)
        return [(found.text, found.format.name) for found in self._zxing.read_barcodes(gray)
                if found.valid]


class PyzbarDecoder:
    """ZBar through pyzbar: optional (`pip install pyzbar`, and the zbar library)."""

    def __init__(self) -> None:
        try:
            from pyzbar import pyzbar
        except ImportError as error:  # the package, or its shared library
            raise ScannerUnavailable(f"pyzbar cannot be loaded ({error})") from error
        self._pyzbar = pyzbar

    def decode(self, image: Image) -> list[tuple[str, str]]:
        return [(found.data.decode("utf-8", "replace"), _PYZBAR_NAMES.get(found.type,
                                                                          found.type))
                for found in self._pyzbar.decode(image)]


DECODERS: dict[str, Callable[[], Decoder]] = {"zxing": ZxingDecoder, "pyzbar": PyzbarDecoder}


class OpenCvCamera:
    """A camera (its index, or a device node such as /dev/video0) or a video file."""

    def __init__(self, source: int | str, width: int | None = None,
                 height: int | None = None) -> None:
        import cv2

        self._cv2 = cv2
        self.name = str(source)
        self._file = isinstance(source, str) and not source.startswith("/dev/")
        self._capture = cv2.VideoCapture(source)
        if not self._capture.isOpened():
            raise ScannerUnavailable(f"the camera {source} cannot be opened")
        if width and height:
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)

    def read(self) -> Frame | None:
        """The next frame; None at a video file's end. A camera that gives no frame has
        gone (unplugged): that is a failure, said and tried again, not an end."""
        ok, image = self._capture.read()
        if not ok:
            if not self._file:
                raise ScannerUnavailable(f"the camera {self.name} gives no picture"
                                         " (unplugged?)")
            return None
        if self._file:  # a recording runs on its own clock, however fast it is read
            return Frame(image, self._capture.get(self._cv2.CAP_PROP_POS_MSEC) / 1000)
        return Frame(image, time.monotonic())

    def close(self) -> None:
        self._capture.release()


class CameraScanner:
    """Reads `source` on its own thread until `stop()` or the source ends; `on_scan`
    receives each new code as a Scan (on that thread: a screen hands it to its own)."""

    def __init__(self, source: FrameSource, on_scan: Callable[[Scan], None],
                 decoder: Decoder | None = None, repeat_window_s: float = REPEAT_WINDOW_S,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 on_end: Callable[[BaseException | None], None] | None = None) -> None:
        self.source, self.on_scan, self.now, self.on_end = source, on_scan, now, on_end
        self.decoder = decoder if decoder is not None else ZxingDecoder()
        self.repeats = RepeatFilter(repeat_window_s)
        self.frames = 0  # frames decoded so far
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"camera {source.name}",
                                        daemon=True)

    def start(self) -> CameraScanner:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.join()

    def join(self, timeout: float = 5) -> None:
        """Wait for the reading thread (a video file: until it ends)."""
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        failure: BaseException | None = None
        try:
            while not self._stopping.is_set():
                frame = self.source.read()
                if frame is None:
                    break
                self._look_at(frame)
        except Exception as error:  # noqa: BLE001 - said to whoever listens, not lost
            failure = error
        finally:
            self.source.close()
            if self.on_end is not None:
                self.on_end(failure)

    def _look_at(self, frame: Frame) -> None:
        self.frames += 1
        for text, symbology in self.decoder.decode(frame.image):
            if text and self.repeats.fresh(text, frame.seen_at):
                self.on_scan(Scan(text, f"camera:{self.source.name}", self.now(), symbology))


def decode_file(path: str, decoder: Decoder | None = None) -> list[tuple[str, str]]:
    """The codes in a photo or a scan (a ticket sent by mail, a test image)."""
    return (decoder if decoder is not None else ZxingDecoder()).decode(read_image(path))


def read_image(path: str) -> Image:
    """An image file as OpenCV reads it, or through Pillow for what OpenCV refuses (a
    picture one pixel high, some WebP files)."""
    import cv2
    import numpy as np

    image: Any = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is not None:
        return image  # type: ignore[no-any-return]
    from PIL import Image as Pictures
    from PIL import UnidentifiedImageError

    try:
        with Pictures.open(path) as picture:
            return np.asarray(picture.convert("L"), dtype=np.uint8)
    except (OSError, UnidentifiedImageError) as error:
        raise ScannerUnavailable(f"{path} is not an image that can be read") from error
