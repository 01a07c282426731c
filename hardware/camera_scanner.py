"""A camera that reads the codes held up to it (tickets' QR codes, product barcodes).

Frames come from OpenCV (a camera, or a video file) or any `FrameSource`; they are
decoded on the scanner's own thread, never the screen's, by zxing-cpp, with cheap
second chances on a frame where it found nothing (another binarizer, another scale,
then ZBar through pyzbar when libzbar is installed): `PipelineDecoder`, the default.
Every decoder reads only the symbologies allowed (`[camera] formats`) and gives the
code's own text (GS1 separators and binary content kept, never made "readable"). A
sighting becomes a `Scan` as domain `CameraReads` says: EAN/UPC with a right check
digit, other 1D codes seen in two frames, a code held in view read once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from pos_app.domain.camera_reads import CameraReads
from pos_app.domain.devices import DEFAULT_CAMERA_FORMATS
from pos_app.domain.scan import Scan
from pos_app.services.ports import ScannerUnavailable

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Image = NDArray[Any]  # what OpenCV gives: 8-bit grey or BGR pixels

log = logging.getLogger(__name__)

# A ticket held up for a few seconds gives dozens of frames: one read. Shown again after
# it was out of sight this long, it is a new read (a second visitor with a copy, say).
REPEAT_WINDOW_S = 1.5
# On a live camera most frames show no code at all, and each would otherwise get every
# second chance: they may take this share of the time zxing-cpp's first passes take, no
# more (a code held in view is still tried again and again, a little later each time).
SECOND_CHANCE_SHARE = 0.1
# pyzbar's names for the symbologies, as zxing-cpp names them (one vocabulary in a Scan)
_PYZBAR_NAMES = {"QRCODE": "QRCode", "EAN13": "EAN13", "EAN8": "EAN8", "CODE128": "Code128",
                 "CODE39": "Code39", "CODE93": "Code93", "I25": "ITF", "UPCA": "UPCA",
                 "UPCE": "UPCE", "PDF417": "PDF417", "CODABAR": "Codabar"}
# What zxing-cpp is asked to look for, per allowed symbology. Its "QRCode" format also
# finds Micro QR and rMQR codes: the models of the QR code proper are asked instead, and
# every result is checked against the allow-list by its own format.
_ZXING_FORMATS = {"QRCode": ("QRCodeModel1", "QRCodeModel2")}


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


def grey(image: Image) -> Image:
    """The frame in grey levels: what every decoder reads (ZBar given a BGR frame reads
    one channel of it, and a black code on yellow paper is then invisible)."""
    import cv2

    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


class ZxingDecoder:
    """zxing-cpp on a grey copy, for the allowed symbologies, in plain text mode: the
    code's own characters (a GS1 code keeps its group separators, "\x1d")."""

    def __init__(self, formats: Sequence[str] = DEFAULT_CAMERA_FORMATS,
                 binarizer: str = "LocalAverage", scale: float = 1.0) -> None:
        import zxingcpp

        self._zxing, self.allowed, self.scale = zxingcpp, frozenset(formats), scale
        self._formats = zxingcpp.BarcodeFormats(tuple(
            getattr(zxingcpp.BarcodeFormat, name) for allowed in formats
            for name in _ZXING_FORMATS.get(allowed, (allowed,))))
        self._binarizer = getattr(zxingcpp.Binarizer, binarizer)
        self._binary = zxingcpp.ContentType.Binary

    def decode(self, image: Image) -> list[tuple[str, str]]:
        picture = grey(image)
        if self.scale != 1.0:
            import cv2

            height, width = picture.shape[:2]
            if min(height, width) * self.scale < 16:
                return []  # too small to hold a code once shrunk
            picture = cv2.resize(picture, None, fx=self.scale, fy=self.scale,
                                 interpolation=cv2.INTER_CUBIC if self.scale > 1
                                 else cv2.INTER_AREA)
        found = [code for code in self._zxing.read_barcodes(
            picture, formats=self._formats, text_mode=self._zxing.TextMode.Plain,
            binarizer=self._binarizer) if code.valid and code.format.name in self.allowed]
        # Binary content as its bytes, one character each (no charset guessed at)
        return [(code.bytes.decode("latin-1") if code.content_type == self._binary
                 else code.text, code.format.name) for code in _without_conflicts(found)]


def _without_conflicts(found: list[Any]) -> list[Any]:
    """zxing-cpp's reads less those contradicted by another read of the same printed
    code: a 1D code is read along lines across its bars, and a strip of a few lines at
    the bars' ends can agree on a wrong code whose check digit happens to fit (a CD's
    EAN-13, 5030159003930, read also as 7034759003930 along its edge). Of two different
    1D reads lying on the same bars, the one read across the wider band of lines is
    kept if it is at least twice as wide, else neither."""
    from pos_app.domain.camera_reads import SELF_CORRECTING

    linear = [code for code in found if code.format.name not in SELF_CORRECTING]
    dropped: set[int] = set()
    for index, one in enumerate(linear):
        for other in linear[index + 1:]:
            if one.text == other.text or not _same_bars(one.position, other.position):
                continue
            one_width, other_width = _band(one.position), _band(other.position)
            if one_width < 2 * other_width:
                dropped.add(id(one))
            if other_width < 2 * one_width:
                dropped.add(id(other))
    return [code for code in found if id(code) not in dropped]


def _band(position: Any) -> float:
    """How wide, across its bars, the band of lines a 1D code was read along is."""
    return float(((position.top_left.x - position.bottom_left.x) ** 2
                  + (position.top_left.y - position.bottom_left.y) ** 2) ** 0.5)


def _same_bars(one: Any, other: Any) -> bool:
    """Whether two reads lie on the same bars: along the first's length they cover
    mostly the same stretch, and across it they are nearer than its length."""
    ux, uy = one.top_right.x - one.top_left.x, one.top_right.y - one.top_left.y
    length = (ux * ux + uy * uy) ** 0.5
    if length == 0:
        return False
    ux, uy = ux / length, uy / length

    def span(position: Any, dx: float, dy: float) -> tuple[float, float]:
        corners = (position.top_left, position.top_right, position.bottom_left,
                   position.bottom_right)
        values = [corner.x * dx + corner.y * dy for corner in corners]
        return min(values), max(values)

    (a0, a1), (b0, b1) = span(one, ux, uy), span(other, ux, uy)
    shorter = min(a1 - a0, b1 - b0)
    if shorter <= 0 or min(a1, b1) - max(a0, b0) < 0.5 * shorter:
        return False
    (c0, c1), (d0, d1) = span(one, -uy, ux), span(other, -uy, ux)
    return bool(max(c0, d0) - min(c1, d1) < length)


class PyzbarDecoder:
    """ZBar through pyzbar, on the grey frame, for the allowed symbologies it knows.
    Optional: the pyzbar package (a dev dependency) and the zbar library (libzbar0)."""

    def __init__(self, formats: Sequence[str] = DEFAULT_CAMERA_FORMATS) -> None:
        try:
            from pyzbar import pyzbar
        except ImportError as error:  # the package, or its shared library
            raise ScannerUnavailable(f"pyzbar cannot be loaded ({error})") from error
        self._pyzbar, self.allowed = pyzbar, frozenset(formats)
        names = {ours: theirs for theirs, ours in _PYZBAR_NAMES.items()}
        asked = [name for name in formats if name in names]
        if "UPCA" in asked and "EAN13" not in asked:
            asked.append("EAN13")  # ZBar finds UPC-A codes only through its EAN-13 reader
        self._symbols = [pyzbar.ZBarSymbol[names[name]] for name in asked]

    def decode(self, image: Image) -> list[tuple[str, str]]:
        if not self._symbols:
            return []
        found = self._pyzbar.decode(grey(image), symbols=self._symbols)
        codes = []
        for code in found:
            symbology = _PYZBAR_NAMES.get(code.type, code.type)
            text = _as_zxing_writes(code.data.decode("utf-8", "replace"), symbology)
            if symbology == "EAN13" and "EAN13" not in self.allowed and text[:1] == "0":
                symbology = "UPCA"  # a UPC-A code is an EAN-13 starting with 0
            codes.append((text, symbology))
        return [(text, symbology) for text, symbology in codes if symbology in self.allowed]


def _as_zxing_writes(text: str, symbology: str) -> str:
    """A UPC code as zxing-cpp writes it, so that both decoders give one text for one
    code: its 13-digit EAN form (UPC-E expanded first)."""
    from pos_app.domain.check_digit import expand_upc_e

    if symbology == "UPCA" and len(text) == 12:
        return "0" + text
    if symbology == "UPCE" and len(text) == 8 and text.isdigit() and text[0] in "01":
        return "0" + expand_upc_e(text)
    return text


class PipelineDecoder:
    """zxing-cpp first; on a frame where it finds nothing, its second chances in turn
    (another binarizer, the frame twice as large, half as large), then ZBar on the grey
    frame when libzbar is installed; the first that finds a code answers.

    `share`: on a live camera, the second chances may take that share of the time the
    first passes take (`SECOND_CHANCE_SHARE`), run one at a time, in turn, when enough
    time has been saved up for the next; None (a photo, a still) runs them all."""

    _said_no_zbar = False  # said once a process, not once a frame or a camera

    def __init__(self, formats: Sequence[str] = DEFAULT_CAMERA_FORMATS,
                 share: float | None = None) -> None:
        self.first = ZxingDecoder(formats)
        self.chances: list[Decoder] = [ZxingDecoder(formats, binarizer="GlobalHistogram"),
                                       ZxingDecoder(formats, scale=2.0),
                                       ZxingDecoder(formats, scale=0.5)]
        try:
            self.chances.append(PyzbarDecoder(formats))
        except ScannerUnavailable as error:
            if not PipelineDecoder._said_no_zbar:
                PipelineDecoder._said_no_zbar = True
                log.warning("camera: %s; decoding with zxing-cpp alone", error)
        self.share = share
        self._saved_s = 0.0  # time the second chances may still take
        self._next = 0  # the second chance whose turn it is (live)
        self._cost_s = [0.0] * len(self.chances)  # each one's last duration

    def decode(self, image: Image) -> list[tuple[str, str]]:
        picture = grey(image)  # once for every pass
        started = time.perf_counter()
        found = _checked(self.first.decode(picture))
        if found:
            return found
        if self.share is None:
            for chance in self.chances:
                found = _checked(chance.decode(picture))
                if found:
                    return found
            return []
        self._saved_s += (time.perf_counter() - started) * self.share
        if self._saved_s < self._cost_s[self._next]:
            return []
        chance_started = time.perf_counter()
        found = _checked(self.chances[self._next].decode(picture))
        self._cost_s[self._next] = spent = time.perf_counter() - chance_started
        self._saved_s -= spent
        self._next = (self._next + 1) % len(self.chances)
        return found


def _checked(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The reads less EAN/UPC codes whose check digit does not fit: such a read is no
    answer, and the next chance is still taken."""
    from pos_app.domain.check_digit import has_valid_check_digit

    return [(text, symbology) for text, symbology in found
            if has_valid_check_digit(text, symbology)]


def decoder_named(name: str, formats: Sequence[str] = DEFAULT_CAMERA_FORMATS,
                  live: bool = True) -> Decoder:
    """The decoder a camera's settings name (`auto`, `zxing`, `pyzbar`); `live`: a
    camera's stream, whose second chances keep to their share of the time."""
    if name == "zxing":
        return ZxingDecoder(formats)
    if name == "pyzbar":
        return PyzbarDecoder(formats)
    return PipelineDecoder(formats, SECOND_CHANCE_SHARE if live else None)


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
        self.decoder = decoder if decoder is not None else decoder_named("auto")
        self.reads = CameraReads(repeat_window_s)
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
            if self.reads.scan(text, symbology, frame.seen_at):
                self.on_scan(Scan(text, f"camera:{self.source.name}", self.now(), symbology))


def decode_file(path: str, decoder: Decoder | None = None) -> list[tuple[str, str]]:
    """The codes in a photo or a scan (a ticket sent by mail, a test image): by default
    every decoder's chance is taken, and an EAN/UPC code must have its check digit (a
    still has no second frame to confirm anything else by)."""
    from pos_app.domain.check_digit import has_valid_check_digit

    chosen = decoder if decoder is not None else decoder_named("auto", live=False)
    return [(text, symbology) for text, symbology in chosen.decode(read_image(path))
            if has_valid_check_digit(text, symbology)]


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
