"""The board pack from the dashboard: downloads in each format; unknown formats are 404."""

from __future__ import annotations

import io
from typing import Any

import openpyxl


def test_markdown_and_workbook_downloads(as_user: Any) -> None:
    client, _ = as_user("carol")
    md = client.get("/clients/acme/report.md?period=2024-06")
    assert md.status_code == 200
    assert md.headers["content-disposition"].startswith('attachment; filename="')
    assert "Win rate" in md.text and "75.0%" in md.text
    xlsx = client.get("/clients/acme/report.xlsx?period=2024-06")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert "Scorecard" in book.sheetnames


def test_unknown_format_is_not_found(as_user: Any) -> None:
    client, _ = as_user("carol")
    response = client.get("/clients/acme/report.docx?period=2024-06")
    assert response.status_code == 404
    assert (
        "unknown report format &#39;docx&#39;" in response.text
        or "unknown report format 'docx'" in response.text
    )
