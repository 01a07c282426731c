"""EAN/UPC check digits, as a camera's reads are checked by them."""

from __future__ import annotations

import pytest

from pos_app.domain.check_digit import expand_upc_e, gtin_check_digit, has_valid_check_digit


@pytest.mark.parametrize(("code", "symbology"), [
    ("3760123450089", "EAN13"), ("4006381333931", "EAN13"), ("9780140013993", "EAN13"),
    ("96385074", "EAN8"), ("036000291452", "UPCA"), ("0036000291452", "UPCA"),
    ("01234565", "UPCE"), ("012345000065", "UPCE"), ("0012345000065", "UPCE"),
])
def test_codes_with_their_right_check_digit_pass(code: str, symbology: str) -> None:
    assert has_valid_check_digit(code, symbology)


@pytest.mark.parametrize(("code", "symbology"), [
    ("3760123450088", "EAN13"),  # the last digit one off
    ("3760123450098", "EAN13"),  # two digits swapped: the weights 3 and 1 tell
    ("96385075", "EAN8"), ("036000291453", "UPCA"), ("01234566", "UPCE"),
    ("376012345008", "EAN13"), ("3760123450089", "EAN8"),  # a wrong length
    ("37601234500A9", "EAN13"), ("", "EAN13"), ("٣٧٦٠١٢٣٤٥٠٠٨٩", "EAN13"),  # not 0-9
    ("21234565", "UPCE"),  # number system 2 does not exist in UPC-E
])
def test_codes_whose_check_digit_does_not_fit_are_refused(code: str, symbology: str) -> None:
    assert not has_valid_check_digit(code, symbology)


def test_other_symbologies_have_no_such_check_digit() -> None:
    assert has_valid_check_digit("TKT-2026-000001", "QRCode")
    assert has_valid_check_digit("ABC-123", "Code128")


def test_the_check_digit_weighs_digits_3_and_1_from_the_right() -> None:
    assert gtin_check_digit("376012345008") == 9
    assert gtin_check_digit("9638507") == 4
    assert gtin_check_digit("00000000000") == 0
    with pytest.raises(ValueError):
        gtin_check_digit("12a")


@pytest.mark.parametrize(("upc_e", "upc_a"), [
    ("01234565", "012345000065"),  # last digit 5 to 9: the manufacturer's five, 0000, it
    ("01234505", "012000003455"),  # 0, 1, 2: two digits, it, 0000, three digits
    ("01234535", "012300000455"),  # 3: three digits, 00000, two digits
    ("01234545", "012340000055"),  # 4: four digits, 00000, one digit
])
def test_upc_e_expands_to_its_upc_a(upc_e: str, upc_a: str) -> None:
    assert expand_upc_e(upc_e) == upc_a  # its check digit kept as read
    with pytest.raises(ValueError):
        expand_upc_e("1234567")
