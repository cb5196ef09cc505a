"""Parsing what people type: amounts, shares, yes/no, choices, dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pulse.advise.facts import (
    AdviceError,
    CompanyFacts,
    Motion,
    parse_amount,
    parse_choice,
    parse_date,
    parse_share,
    parse_yes_no,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2500000", Decimal(2_500_000)),
        ("2.5M", Decimal(2_500_000)),
        ("500k", Decimal(500_000)),
        ("$1,200,000", Decimal(1_200_000)),
        ("1800", Decimal(1800)),
        ("1666.67", Decimal("1666.67")),
    ],
)
def test_amounts(text: str, value: Decimal) -> None:
    assert parse_amount(text, "--arr") == value


def test_bad_amount() -> None:
    with pytest.raises(AdviceError) as info:
        parse_amount("2 million", "--arr")
    assert info.value.message == "--arr: '2 million' is not an amount"
    assert info.value.hint == "write dollars as 2500000, 2.5M, 500k or $1,200,000"


@pytest.mark.parametrize(("text", "value"), [("0.25", "0.25"), ("25%", "0.25"), ("1", "1")])
def test_shares(text: str, value: str) -> None:
    assert parse_share(text, "--annual-churn") == Decimal(value)


def test_a_whole_number_share_gets_a_hint() -> None:
    with pytest.raises(AdviceError) as info:
        parse_share("25", "--annual-churn")
    assert info.value.hint == "shares are fractions: 0.25 means 25%; did you mean 0.25?"


def test_yes_no_choice_date() -> None:
    assert parse_yes_no("Yes", "--has-crm") is True
    assert parse_yes_no("n", "--has-crm") is False
    assert parse_choice("Sales-Led", "--motion", Motion) is Motion.SALES_LED
    assert parse_date("2026-01-05", "--start-date") == date(2026, 1, 5)
    with pytest.raises(AdviceError, match="--start-date: '05/01/2026' is not a date"):
        parse_date("05/01/2026", "--start-date")
    with pytest.raises(AdviceError, match="--has-crm: 'maybe' is not yes or no"):
        parse_yes_no("maybe", "--has-crm")


def test_negative_facts_are_refused() -> None:
    with pytest.raises(AdviceError, match="--customers: -1 is negative"):
        CompanyFacts("martech", customers=-1)
