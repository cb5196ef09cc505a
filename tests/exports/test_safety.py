"""Formula-injection neutralising (OWASP's leading characters)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pulse.exports.safety import cell_value, is_dangerous, neutralise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Acme = best", "Acme = best"),
        ("−2 (a minus sign, not a hyphen)", "−2 (a minus sign, not a hyphen)"),
        ("", ""),
        ("'=already quoted", "'=already quoted"),
    ],
)
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected
    assert not is_dangerous(neutralise(text))


def test_numbers_and_dates_are_kept() -> None:
    assert cell_value(-2) == -2
    assert cell_value(-2.5) == -2.5
    assert cell_value(Decimal("-3.10")) == Decimal("-3.10")
    assert cell_value(date(2024, 1, 2)) == date(2024, 1, 2)
    assert cell_value(None) is None
    assert cell_value(True) == "True"
    assert cell_value("-2") == "'-2"
