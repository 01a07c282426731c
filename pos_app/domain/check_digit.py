"""The check digit of EAN and UPC codes (GS1's modulo 10): a camera that misreads a bar
of a product's code almost always reads a code whose last digit no longer fits, and
such a code is never taken as a scan.

Codes are given as a decoder writes them: EAN-13 (13 digits), EAN-8 (8), UPC-A (12, or
13 with a leading 0 as zxing-cpp writes it) and UPC-E (8 digits: number system, six
digits, check digit; or its expanded 12- or 13-digit form)."""

from __future__ import annotations

# Symbologies whose last digit checks the others (the Scan's names, as zxing-cpp says them)
CHECK_DIGIT_SYMBOLOGIES = frozenset({"EAN13", "EAN8", "UPCA", "UPCE"})


def gtin_check_digit(digits: str) -> int:
    """The check digit that follows `digits` (a GTIN without its last digit): from the
    right, digits weigh 3, 1, 3, 1…; the check digit brings the sum to a multiple of 10."""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"not digits: {digits!r}")
    total = sum(int(digit) * (3 if position % 2 == 0 else 1)
                for position, digit in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def expand_upc_e(code: str) -> str:
    """The 12-digit UPC-A that an 8-digit UPC-E code stands for (its check digit kept)."""
    if len(code) != 8 or not code.isascii() or not code.isdigit() or code[0] not in "01":
        raise ValueError(f"not a UPC-E code: {code!r}")
    system, body, check = code[0], code[1:7], code[7]
    last = body[5]
    if last in "012":
        middle = body[:2] + last + "0000" + body[2:5]
    elif last == "3":
        middle = body[:3] + "00000" + body[3:5]
    elif last == "4":
        middle = body[:4] + "00000" + body[4]
    else:
        middle = body[:5] + "0000" + last
    return system + middle + check


def has_valid_check_digit(code: str, symbology: str) -> bool:
    """Whether `code`, read as `symbology`, ends with the check digit its other digits
    call for. False for anything that is not such a code (letters, a wrong length);
    True for symbologies that have no check digit of this kind."""
    if symbology not in CHECK_DIGIT_SYMBOLOGIES:
        return True
    if not code.isascii() or not code.isdigit():
        return False
    if symbology == "UPCE" and len(code) == 8:
        code = expand_upc_e(code) if code[0] in "01" else ""
    lengths = {"EAN13": (13,), "EAN8": (8,), "UPCA": (12, 13), "UPCE": (12, 13)}
    if len(code) not in lengths[symbology]:
        return False
    return gtin_check_digit(code[:-1]) == int(code[-1])
