"""Which of a camera's sightings are scans: check digits, second reads, repeats."""

from __future__ import annotations

from pos_app.domain.camera_reads import CameraReads, needs_second_read
from pos_app.domain.devices import DEFAULT_CAMERA_FORMATS, read_device_settings

FRAME = 1 / 30  # seconds between two frames at 30 fps


def sightings(reads: CameraReads, code: str, symbology: str, frames: int,
              start: float = 0.0) -> list[bool]:
    return [reads.scan(code, symbology, start + index * FRAME) for index in range(frames)]


def test_an_ean_with_its_check_digit_is_a_scan_at_its_first_frame_and_only_then() -> None:
    assert sightings(CameraReads(1.5), "3760123450089", "EAN13", 5) == [True] + [False] * 4


def test_an_ean_whose_check_digit_does_not_fit_is_never_a_scan() -> None:
    assert sightings(CameraReads(1.5), "3760123450088", "EAN13", 30) == [False] * 30


def test_a_code_128_is_a_scan_once_read_the_same_in_a_second_frame() -> None:
    reads = CameraReads(1.5)
    assert sightings(reads, "ABC-123", "Code128", 4) == [False, True, False, False]


def test_a_code_128_read_once_then_a_misread_of_it_once_gives_no_scan() -> None:
    reads = CameraReads(1.5)
    assert not reads.scan("ABC-123", "Code128", 0.0)
    assert not reads.scan("ABC-128", "Code128", FRAME)  # a bar misread in the next frame
    assert not reads.scan("ABC-123", "Code128", 2.0)  # the first sighting is too old now


def test_one_frame_read_twice_is_one_sighting() -> None:
    reads = CameraReads(1.5)  # zxing-cpp and a second chance finding it in the same frame
    assert not reads.scan("ABC-123", "Code128", 0.5)
    assert not reads.scan("ABC-123", "Code128", 0.5)
    assert reads.scan("ABC-123", "Code128", 0.5 + FRAME)


def test_a_code_128_shown_again_after_a_pause_is_read_again_after_two_frames() -> None:
    reads = CameraReads(1.5)
    assert sightings(reads, "ABC-123", "Code128", 3) == [False, True, False]
    assert sightings(reads, "ABC-123", "Code128", 3, start=5.0) == [False, True, False]


def test_qr_codes_correct_their_own_errors_and_need_one_frame() -> None:
    assert sightings(CameraReads(1.5), "TKT-2026-000001", "QRCode", 3) == [True, False, False]
    assert not needs_second_read("QRCode") and not needs_second_read("EAN13")
    assert needs_second_read("Code128") and needs_second_read("Code39")


def test_camera_formats_are_read_from_the_settings_as_people_write_them() -> None:
    settings, problems = read_device_settings(
        {"camera": {"formats": "EAN-13, Code 128, QR Code, qrcode, Teletext"}})
    assert settings.camera.formats == ("EAN13", "Code128", "QRCode")
    assert problems == ["[camera] formats: 'Teletext' is not one of EAN13, EAN8, UPCA, UPCE,"
                        " Code128, QRCode, MicroQRCode, Code39, Code93, ITF, Codabar,"
                        " DataMatrix, PDF417, Aztec: left out"]
    default, none = read_device_settings({"camera": {"source": "0"}})
    assert default.camera.formats == DEFAULT_CAMERA_FORMATS and "MicroQRCode" not in (
        default.camera.formats) and none == []
    assert default.camera.decoder == "auto"
