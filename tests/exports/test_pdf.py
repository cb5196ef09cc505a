"""The PDF board pack, opened with pypdf: its text holds every part of the pack."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from pulse.exports import render
from pulse.exports.report import BoardPack


@pytest.fixture(scope="module")
def pdf(pack: BoardPack) -> bytes:
    return render(pack, "pdf")


@pytest.fixture(scope="module")
def pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def text(pages: list[str]) -> str:
    """All pages' text with whitespace (including line breaks) collapsed."""
    return re.sub(r"\s+", " ", " ".join(pages))


def test_is_a_pdf_with_page_numbers(pdf: bytes, pages: list[str]) -> None:
    assert pdf.startswith(b"%PDF-")
    assert len(pages) >= 3
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert "Board pack — acme — 2024-Q2" in pages[0]


def test_first_page_is_the_scorecard(pages: list[str]) -> None:
    first = re.sub(r"\s+", " ", pages[0])
    for name in ("Win rate", "New opportunities", "Bookings", "Net revenue retention",
                 "Average deal size"):  # fmt: skip
        assert name in first
    for section in ("Leading indicators", "Lagging indicators", "Health"):
        assert section in first
    assert "10.0%" in first and "25.0%" in first
    assert "$7,000" in first


def test_statuses_show_symbol_and_word(text: str) -> None:
    assert "✗ red" in text
    assert "· no target" in text
    assert "? missing data" in text


def test_explanations_findings_and_appendix(text: str) -> None:
    assert (
        "Win rate fell from 75.0% to 10.0%: -35.0 pts from numerator, -30.0 pts from denominator."
        in text
    )
    assert "Findings and actions" in text
    assert "Win rate below 20%" in text
    assert (
        "Win rate is 10.0% in 2024-Q2; the line is 20.0%: qualification or fit is broken." in text
    )
    assert "1 more wins would reach 20%." in text
    assert "Appendix A — Definitions" in text
    assert "(SUM(is_won)) ÷ (SUM(is_closed))" in text
    assert "Appendix B — Data lineage" in text
    # A long file name may wrap at its hyphen inside the table cell.
    assert "crm-opportunities.csv" in text.replace(" ", "")


def test_lineage_shows_the_file_hash(text: str, pack: BoardPack) -> None:
    digest = pack.lineage[0].sha256
    # The hash wraps inside its cell; the extracted text keeps its characters in order.
    assert digest in text.replace(" ", "")


def test_missing_data_names_what_to_load(text: str) -> None:
    assert "load table 'subscriptions'" in text
