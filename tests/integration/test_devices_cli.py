"""`caisse devices …` in real processes: a manager sets the printer (journaled), a test
page reaches the simulated printer, the drawer opens, a camera video of tickets is read,
a simulated printer runs as a command, and a damaged devices.ini costs only its damage."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hardware.simulators.escpos_printer import SimulatedPrinter
from pos_app.bootstrap import open_store
from pos_app.domain.journal import Chain
from pos_app.services.devices import record_device_state
from tests.integration.test_cli import caisse, error, ok


@pytest.fixture
def till(tmp_path: Path) -> Path:
    ok(caisse(tmp_path, "init", "--demo"))
    return tmp_path


def printed_by(device: SimulatedPrinter, wanted: str) -> list[str]:
    deadline = time.monotonic() + 5
    while wanted not in device.decoded().lines and time.monotonic() < deadline:
        time.sleep(0.02)
    return device.decoded().lines


def test_a_manager_sets_the_printer_and_a_test_page_prints(till: Path) -> None:
    with SimulatedPrinter() as device:
        host, port = device.address
        refused = error(caisse(till, "devices", "set", "printer", "network", f"{host}:{port}",
                               staff="caissier", secret="1234"))
        assert "manager" in refused["error"]
        listed = ok(caisse(till, "devices", "set", "printer", "network", f"{host}:{port}",
                           "--paper", "58", staff="gerant", secret="4321"))
        assert listed["settings"]["printer"] == {"transport": "network",
                                                 "address": f"{host}:{port}",
                                                 "paper_mm": "58", "baudrate": "9600",
                                                 "status_query": "on"}
        assert listed["printer_status"] == {"online": True, "problem": None,
                                            "paper_low": False}
        ok(caisse(till, "devices", "test", "printer"))
        lines = printed_by(device, "Impression test")
        assert "àâäçéèêëîïôöùûüÿœæ ÀÂÇÉÈÊËÎÏÔŒÆ" in lines and all(len(x) <= 32 for x in lines)
        assert device.decoded().qr_codes == ["CAISSE-TEST"] == device.decoded().barcodes
        ok(caisse(till, "devices", "test", "drawer", staff="gerant", secret="4321"))
        deadline = time.monotonic() + 5
        while not device.decoded().drawer_kicks and time.monotonic() < deadline:
            time.sleep(0.02)
        assert device.decoded().drawer_kicks == [(0, 50, 50)]
        device.paper_out = True
        listed = ok(caisse(till, "devices", "list"))
        assert listed["printer_status"]["problem"] == "out of paper"
        assert "out of paper" in error(caisse(till, "devices", "test", "printer"))["error"]
    events = journal_events(till)
    assert {"event": "settings_change", "setting": "devices.printer.address",
            "value": f"{host}:{port}"} in events
    # The opening reached the drawer (the kick the device decoded above): journaled so.
    assert {"event": "drawer_opened", "reason": "test", "reached": True,
            "problem": None} in events


def journal_events(data_dir: Path) -> list[dict[str, str]]:
    store = open_store(data_dir)
    try:
        with store.context.uow(write=False) as uow:
            till = uow.tills.local()
            assert till is not None
            bodies = [json.loads(row[5]) for row in uow.journal.rows(till.id, Chain.EVENT)]
    finally:
        store.close()
    keep = ("event", "setting", "value", "reason", "reached", "problem")
    return [{key: body[key] for key in keep if key in body} for body in bodies]


def test_a_printer_that_never_answers_prints_once_its_status_query_is_off(
        till: Path) -> None:
    with SimulatedPrinter() as device:
        device.answers_status = False  # a print server that does not pass DLE EOT on
        host, port = device.address
        ok(caisse(till, "devices", "set", "printer", "network", f"{host}:{port}",
                  staff="gerant", secret="4321"))
        x = ok(caisse(till, "close", "x", "--print"))
        assert "no answer to the status query" in x["printed"]  # said; the X waits
        assert device.decoded().lines == []
        listed = ok(caisse(till, "devices", "set", "printer", "network", f"{host}:{port}",
                           "--status-query", "off", staff="gerant", secret="4321"))
        assert listed["settings"]["printer"]["status_query"] == "off"
        assert listed["printer_status"]["online"] is None  # not asked: unknown
        assert ok(caisse(till, "close", "x", "--print"))["printed"] == "imprimé / printed"
        lines = device.decoded().lines  # confirmed by the printer's close: all there
        assert sum("Lecture X" in line for line in lines) == 2, lines  # the one that waited
        assert not any("RÉIMPRESSION" in line for line in lines)  # nothing had been sent
    assert {"event": "settings_change", "setting": "devices.printer.status_query",
            "value": "off"} in journal_events(till)


def test_bad_values_are_refused_with_the_form_they_should_have(till: Path) -> None:
    manager = {"staff": "gerant", "secret": "4321"}
    said = error(caisse(till, "devices", "set", "printer", "usb", "epson", **manager))
    assert "vendor:product" in said["error"]
    said = error(caisse(till, "devices", "set", "drawer", "printer", "--pulse", "900",
                        **manager))
    assert "pulse_ms" in said["error"] and "50 to 500" in said["error"]


def test_a_damaged_devices_file_costs_only_its_damaged_lines(till: Path) -> None:
    (till / "devices.ini").write_text(
        "[printer]\ntransport = network\naddress = 10.0.0.9\npaper_mm = 57\n"
        "garbage without equals\n[drawer]\npin = 3\n\x00\x01\n", encoding="utf-8")
    listed = ok(caisse(till, "devices", "list"))
    assert listed["settings"]["printer"]["address"] == "10.0.0.9"
    assert listed["settings"]["printer"]["paper_mm"] == "80"
    assert listed["settings"]["drawer"]["pin"] == "2"
    problems = " | ".join(listed["problems"])
    assert "line 5" in problems and "paper_mm = '57'" in problems and "pin = '3'" in problems


def test_a_camera_video_of_tickets_is_read_by_the_camera_test(till: Path) -> None:
    video = till / "tickets.avi"
    made = ok(caisse(till, "devices", "simulate", "camera", str(video), "--codes",
                     "TKT-1", "TKT-2"))
    assert made["codes"] == ["TKT-1", "TKT-2"] and video.stat().st_size > 0
    ok(caisse(till, "devices", "set", "camera", str(video), staff="gerant", secret="4321"))
    read = ok(caisse(till, "devices", "test", "camera", "--seconds", "20", "--count", "2"))
    assert [code["code"] for code in read["codes"]] == ["TKT-1", "TKT-2"]
    assert {code["symbology"] for code in read["codes"]} == {"QRCode"}


def test_a_camera_reads_the_symbologies_it_is_set_to(till: Path) -> None:
    listed = ok(caisse(till, "devices", "list"))
    assert listed["settings"]["camera"]["formats"] == "EAN13, EAN8, UPCA, UPCE, Code128, QRCode"
    assert listed["settings"]["camera"]["decoder"] == "auto"
    set_to = ok(caisse(till, "devices", "set", "camera", "0", "--formats", "EAN-13, QR Code",
                       "--decoder", "zxing", staff="gerant", secret="4321"))
    assert set_to["settings"]["camera"]["formats"] == "EAN13, QRCode"
    refused = caisse(till, "devices", "set", "camera", "0", "--formats", "EAN-13, Teletext",
                     staff="gerant", secret="4321")
    assert refused.returncode != 0 and "Teletext" in refused.stdout + refused.stderr


def test_a_missing_camera_is_said_not_raised(till: Path) -> None:
    ok(caisse(till, "devices", "set", "camera", "/dev/video-none", staff="gerant",
              secret="4321"))
    read = caisse(till, "devices", "test", "camera", "--seconds", "1")
    assert read.returncode == 1
    assert "cannot be opened" in json.loads(read.stdout)["problems"][0]


def test_the_printer_simulator_runs_as_a_command() -> None:
    # Port 0: the simulator takes a free port and says which. A port found free here
    # and closed again could be taken by anything else on a busy machine (an outgoing
    # connection's ephemeral port) before the simulator binds it.
    process = subprocess.Popen([sys.executable, "-m", "pos_app", "devices", "simulate",
                                "printer", "--port", "0"], stdout=subprocess.PIPE,
                               text=True, env=os.environ.copy())
    try:
        assert process.stdout is not None
        said = process.stdout.readline()
        found = re.search(r"127\.0\.0\.1:(\d+) ", said)
        assert found is not None, said
        port = int(found.group(1))
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"\x1bt\x10Cr\xeape au sucre 3,50 \x80\n")
        assert process.stdout.readline().strip() == "Crêpe au sucre 3,50 €"
    finally:
        process.send_signal(signal.SIGTERM)
        out, _err = process.communicate(timeout=10)
    assert process.returncode == 0 and "stopped after 1 lines" in out



def test_the_x_and_z_reports_print_and_a_z_stands_when_the_printer_does_not(
        till: Path) -> None:
    assert "no printer is set" in error(caisse(till, "close", "x", "--print"))["error"]
    with SimulatedPrinter() as device:
        host, port = device.address
        ok(caisse(till, "devices", "set", "printer", "network", f"{host}:{port}",
                  staff="gerant", secret="4321"))
        ok(caisse(till, "order", "create", staff="caissier", secret="1234",
                  stdin=json.dumps({"lines": [{"product": "gaufre"}],
                                    "payments": [{"method": "CB", "amount": "3,20"}]})))
        x = ok(caisse(till, "close", "x", "--print"))
        assert x["printed"] == "imprimé / printed"
        lines = printed_by(device, "Lecture X")
        assert "Lecture X" in " ".join(lines) and any("3,20" in line for line in lines)
        # Out of paper: the Z is recorded all the same, its report waits in the queue.
        device.paper_out = True
        z = ok(caisse(till, "close", "z", "--print", staff="gerant", secret="4321"))
        assert z["number"] == 1 and "out of paper" in z["printed"]
        device.paper_out = False
        ok(caisse(till, "close", "x", "--print"))  # what waited prints first, once
        lines = printed_by(device, "Clôture Z")
        assert sum("Clôture Z" in line for line in lines) == 1, "\n".join(lines)
    # The paper out, and the printer back, each journaled once by the commands.
    device_events = [event for event in journal_events(till)
                     if event["event"] in ("device_error", "device_back")]
    assert device_events == [{"event": "device_error", "problem": "out of paper"},
                             {"event": "device_back"}]


def test_the_serial_readers_settings_and_a_dead_reader_in_the_list(till: Path) -> None:
    listed = ok(caisse(till, "devices", "set", "scanner", "/dev/ttyACM0", "--terminator",
                       "TIMEOUT", "--partial-timeout", "250", "--encoding", "utf-8",
                       staff="gerant", secret="4321"))
    assert listed["settings"]["scanner"] == {
        "port": "/dev/ttyACM0", "baudrate": "9600", "terminator": "TIMEOUT",
        "partial_timeout_ms": "250", "encoding": "utf-8"}
    assert listed["device_problems"] == {}
    refused = error(caisse(till, "devices", "set", "scanner", "/dev/ttyACM0",
                           "--partial-timeout", "5", staff="gerant", secret="4321"))
    assert "partial_timeout_ms" in refused["error"]
    # The window's device thread journaled the reader's death: the list says it.
    store = open_store(till)
    try:
        record_device_state(store.context, "scanner", "port disconnected")
    finally:
        store.close()
    listed = ok(caisse(till, "devices", "list"))
    assert listed["device_problems"] == {"scanner": "port disconnected"}
    store = open_store(till)
    try:
        record_device_state(store.context, "scanner", None)  # back
    finally:
        store.close()
    assert ok(caisse(till, "devices", "list"))["device_problems"] == {}
