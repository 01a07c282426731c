"""A camera fed with frames of tickets' QR codes reads each once; real photos of codes
decode at least as well as zxing-cpp called directly (speed: bench/camera.py)."""

from __future__ import annotations

import queue
from pathlib import Path

import pytest
import zxingcpp

from hardware.camera_scanner import (
    CameraScanner,
    Frame,
    OpenCvCamera,
    PyzbarDecoder,
    decode_file,
    read_image,
)
from hardware.simulators.camera import GeneratedCamera, ticket_frames, write_video
from pos_app.domain.scan import Scan
from pos_app.services.ports import ScannerUnavailable
from pos_app.ui.messages import error_message

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "barcodes"
TICKETS = [f"TKT-2026-{number:06d}" for number in range(1, 13)]


def read_all(source: GeneratedCamera | OpenCvCamera) -> list[Scan]:
    scans: list[Scan] = []
    ended: queue.Queue[BaseException | None] = queue.Queue()
    CameraScanner(source, scans.append, on_end=ended.put).start()
    assert ended.get(timeout=60) is None
    return scans


def test_each_ticket_held_up_is_read_once() -> None:
    scans = read_all(GeneratedCamera(ticket_frames(TICKETS)))  # 8 frames each, gaps between
    assert [scan.code for scan in scans] == TICKETS
    assert {(scan.source, scan.symbology) for scan in scans} == {("camera:simulated", "QRCode")}


def test_a_recording_of_tickets_is_read_through_opencv(tmp_path: Path) -> None:
    video = write_video(ticket_frames(TICKETS[:6], seed=3), tmp_path / "tickets.avi")
    assert [scan.code for scan in read_all(OpenCvCamera(str(video)))] == TICKETS[:6]


def test_product_barcodes_are_read_with_their_symbology() -> None:
    codes = ["3760123450089", "4006381333931"]
    scans = read_all(GeneratedCamera(ticket_frames(codes, symbology="EAN13")))
    assert [(scan.code, scan.symbology) for scan in scans] == [(code, "EAN13") for code in codes]


def test_a_ticket_shown_again_after_a_pause_is_read_again() -> None:
    # one ticket, then nothing for 2 s (60 frames at 30 fps), then the same ticket again
    frames = ticket_frames(TICKETS[:1], gap_frames=60) + ticket_frames(TICKETS[:1], seed=9)
    assert [scan.code for scan in read_all(GeneratedCamera(frames))] == TICKETS[:1] * 2


@pytest.mark.parametrize("folder", ["qrcode-1", "ean13-1", "code128-1", "falsepositives-1"])
def test_real_photos_decode_at_least_as_well_as_zxing_cpp_alone(folder: str) -> None:
    ours = direct = 0
    for photo in sorted(p for p in (PHOTOS / folder).iterdir()
                        if p.suffix in {".png", ".webp", ".jpg"}):
        expected_file = photo.with_suffix(".txt")
        found = [lines(text) for text, _symbology in decode_file(str(photo))]
        raw = [lines(result.text) for result in zxingcpp.read_barcodes(read_image(str(photo)))]
        if expected_file.exists():  # the code the photo holds, found
            expected = lines(expected_file.read_text(encoding="utf-8"))
            ours, direct = ours + (expected in found), direct + (expected in raw)
        else:  # a photo with no code: nothing found, never a false read
            assert found == [], photo
    assert ours >= direct


def lines(text: str) -> str:
    return text.replace("\r\n", "\n")


def test_a_missing_camera_is_said_in_french() -> None:
    with pytest.raises(ScannerUnavailable) as raised:
        OpenCvCamera("/dev/video-none")
    assert error_message(raised.value).startswith("Le lecteur de codes ne répond pas")


def test_a_file_that_is_no_image_is_refused_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "ticket.png"
    bad.write_text("not a picture", encoding="utf-8")
    with pytest.raises(ScannerUnavailable, match="not an image"):
        decode_file(str(bad))


def test_a_camera_that_fails_ends_its_scanner_and_says_why() -> None:
    class Unplugged:
        name = "usb"

        def read(self) -> Frame | None:
            raise OSError("device disconnected")

        def close(self) -> None:
            pass

    ended: queue.Queue[BaseException | None] = queue.Queue()
    CameraScanner(Unplugged(), lambda _scan: None, on_end=ended.put).start()
    failure = ended.get(timeout=10)
    assert isinstance(failure, OSError) and "disconnected" in str(failure)


def test_pyzbar_is_optional_and_its_absence_is_said() -> None:
    try:
        decoder = PyzbarDecoder()
    except ScannerUnavailable as error:
        assert "pyzbar" in str(error)
        return
    frames = ticket_frames(TICKETS[:3])  # installed here: it reads the same tickets
    scans: list[Scan] = []
    CameraScanner(GeneratedCamera(frames), scans.append, decoder=decoder).start().join(60)
    assert [scan.code for scan in scans] == TICKETS[:3]


def test_a_live_camera_giving_no_picture_is_a_failure_and_a_video_end_is_not(
        tmp_path: Path) -> None:
    class Gone:  # OpenCV's capture of an unplugged camera: no frame, no error
        def read(self) -> tuple[bool, None]:
            return False, None

        def release(self) -> None:
            pass

    video = tmp_path / "tickets.avi"
    write_video(ticket_frames(TICKETS[:1]), video)
    camera = OpenCvCamera(str(video))
    camera._capture.release()
    camera._capture = Gone()
    assert camera.read() is None  # a recording that ended
    camera._file = False  # the same, from a camera
    ended: queue.Queue[BaseException | None] = queue.Queue()
    CameraScanner(camera, lambda _scan: None, on_end=ended.put).start().join()
    failure = ended.get(timeout=5)
    assert isinstance(failure, ScannerUnavailable) and "gives no picture" in str(failure)
