"""Camera pipeline: frames of tickets' QR codes through `CameraScanner` (its thread, the
grey conversion, zxing-cpp, the repeat filter, one Scan per ticket) vs zxing-cpp called
directly on the same frames, interleaved. Target: at least 0.9× the frames per second of
the direct calls, and the same codes found."""

from __future__ import annotations

from bench.timing import Measure, Samples, interleave

TARGET_FPS_RATIO = 0.9


def measure(rounds: int, tickets: int = 40) -> Measure:
    import cv2
    import zxingcpp

    from hardware.camera_scanner import CameraScanner
    from hardware.simulators.camera import GeneratedCamera, ticket_frames
    from pos_app.domain.scan import Scan

    codes = [f"TKT-2026-{number:06d}" for number in range(1, tickets + 1)]
    # BGR frames, as a camera gives them: each ticket held for 6 frames, 2 empty between
    frames = [cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
              for frame in ticket_frames(codes, frames_per_code=6, gap_frames=2)]
    ours_found: list[list[str]] = []
    direct_found: list[set[str]] = []

    def ours(_index: int) -> None:
        scans: list[Scan] = []
        CameraScanner(GeneratedCamera(frames), scans.append).start().join(600)
        ours_found.append([scan.code for scan in scans])

    def direct(_index: int) -> None:
        direct_found.append({found.text for frame in frames
                             for found in zxingcpp.read_barcodes(frame)})

    mine, base = interleave(ours, direct, rounds, warmup=1)
    per_frame = (Samples([s / len(frames) for s in mine.seconds]),
                 Samples([s / len(frames) for s in base.seconds]))
    fps_ratio = base.median_ms / mine.median_ms
    same_codes = all(found == codes for found in ours_found) and all(
        found == set(codes) for found in direct_found)
    return Measure(
        f"camera pipeline, {len(frames)} frames 640×480 of {tickets} tickets' QR codes, per"
        f" frame ({1000 / per_frame[0].median_ms:.0f} fps; {fps_ratio:.2f}× the direct fps;"
        f" {'each ticket read once, as directly' if same_codes else 'CODES DIFFER'})",
        per_frame[0], per_frame[1], "zxing-cpp read_barcodes on the same frames",
        f"≥ {TARGET_FPS_RATIO}× fps, same codes",
        fps_ratio >= TARGET_FPS_RATIO and same_codes)
