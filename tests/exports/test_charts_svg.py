"""Static SVG charts: well-formed XML, gaps break the line, text is escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pulse.exports.charts_svg import line_chart, sparkline

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_line_chart_points_and_target() -> None:
    svg = _parse(
        line_chart(
            ["Q1", "Q2", "Q3"], [1.0, 2.0, 3.0], target=2.5, title="t", width=300, height=100
        )
    )
    (polyline,) = svg.iter(f"{NS}polyline")
    points = [tuple(map(float, p.split(","))) for p in polyline.get("points", "").split()]
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    assert xs == sorted(xs) and len(points) == 3
    assert ys[0] > ys[1] > ys[2]  # higher values sit higher (smaller y)
    texts = [t.text for t in svg.iter(f"{NS}text")]
    assert "target 2.5" in texts
    assert [t for t in texts if t and t.startswith("Q")] == ["Q1", "Q2", "Q3"]
    dashed = [line for line in svg.iter(f"{NS}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 1


def test_missing_values_break_the_line() -> None:
    svg = _parse(line_chart(["a", "b", "c", "d"], [1.0, None, 2.0, 3.0]))
    runs = [p.get("points", "").split() for p in svg.iter(f"{NS}polyline")]
    assert [len(r) for r in runs] == [1, 2]


def test_no_values_says_so() -> None:
    svg = _parse(line_chart(["a"], [None]))
    assert [t.text for t in svg.iter(f"{NS}text")] == ["no values to chart"]
    assert _parse(sparkline([None, None])).find(f"{NS}polyline") is None


def test_constant_and_single_values_draw() -> None:
    _parse(line_chart(["a", "b"], [5.0, 5.0]))
    _parse(line_chart(["a"], [5.0]))
    spark = _parse(sparkline([0.0, 0.0, 0.0]))
    assert spark.find(f"{NS}circle") is not None


def test_text_is_escaped() -> None:
    svg = line_chart(["<script>"], [1.0], title='a & "b" <c>', fmt=lambda v: "<b>")
    assert "<script>" not in svg
    root = _parse(svg)
    assert root.find(f"{NS}title") is not None
    assert root.find(f"{NS}title").text == 'a & "b" <c>'  # type: ignore[union-attr]
