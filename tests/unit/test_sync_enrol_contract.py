"""The enrolment's shapes in sync.contract: what a till sends and what it reads back."""

from __future__ import annotations

import hashlib
import re

import pytest

from sync.contract import ContractError, EnrolRequest, parse_enrol, parse_enrolment

KEY = "ab" * 32
KEY_ID = hashlib.sha256(bytes.fromhex(KEY)).hexdigest()[:16]
TILL = "01a22cf9-502d-73a3-83cd-5cfb45f724fb"


def test_an_enrolment_request_reads_back_as_sent() -> None:
    request = EnrolRequest("K7QM2-X9DPA", TILL, KEY, KEY_ID, "0.1.0")
    assert parse_enrol(request.to_wire()) == request


@pytest.mark.parametrize(("change", "reason"), [
    ({"key_id": "0" * 16}, "request.key_id: not the id of request.public_key"),
    ({"public_key": "AB" * 32}, "request.public_key: not a valid value"),
    ({"till_id": "till-1"}, "request.till_id: not a valid value"),
    ({"code": "  "}, "request.code: empty"),
    ({"code": 12}, "request.code: wrong type"),
    ({"version": "v" * 65}, "request.version: not a valid value"),
])
def test_an_enrolment_request_is_refused_naming_its_field(change: dict[str, object],
                                                          reason: str) -> None:
    wire = {**EnrolRequest("CODE", TILL, KEY, KEY_ID, "0.1.0").to_wire(), **change}
    with pytest.raises(ContractError, match=f"^{re.escape(reason)}$"):
        parse_enrol(wire)


def test_the_servers_answer_gives_the_tills_name_and_token() -> None:
    answer = parse_enrolment({"till_id": TILL, "name": "Caisse accueil", "token": "t" * 43,
                              "server_time": "2026-11-30T14:02:11Z"})
    assert (answer.name, answer.token) == ("Caisse accueil", "t" * 43)
    with pytest.raises(ContractError, match=r"answer\.token: missing"):
        parse_enrolment({"till_id": TILL, "name": "x"})
