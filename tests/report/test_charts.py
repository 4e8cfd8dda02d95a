"""The chart module: PNG bytes at 2x, no pyplot, nothing left behind."""

from __future__ import annotations

import struct
import sys

import pytest

from assess import charts

PNG = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG)
    return struct.unpack(">II", data[16:24])


def test_radar_is_a_2x_png_of_the_requested_size():
    data = charts.radar_png(["A", "B", "C", "D"], [10.0, 50.0, None, 90.0], size_px=300)
    assert png_size(data) == (600, 600)


def test_radar_rejects_mismatched_input():
    with pytest.raises(ValueError):
        charts.radar_png(["A", "B", "C"], [1.0, 2.0])
    with pytest.raises(ValueError):
        charts.radar_png(["A", "B"], [1.0, 2.0])


@pytest.mark.parametrize("make", [
    lambda: charts.bars_png(["A", "B"], [40.0, None], ns=[7, 2], sds=[10.0, None],
                            bands=["critical", None]),
    lambda: charts.ladder_png(["Belief", "Desire"], [30.0, None], bands=["critical", None],
                              root=0),
    lambda: charts.gap_png(["A", "B"], [60.0, None], [40.0, None], flagged=[True, False]),
    lambda: charts.heatmap_png(["A"], ["x", "y"], [[50.0, None]], k=5,
                               bands=[["watch", None]]),
    lambda: charts.trend_png(["r1", "r2"], [("Overall", [50.0, 60.0]), ("B", [None, 1.0])]),
    lambda: charts.trend_multiples_png(["r1"], [("Overall", [50.0])]),
    lambda: charts.trend_multiples_png(
        ["A first round with a very long name indeed"] + [f"r{i}" for i in range(48)]
        + ["the last"], [(f"Series {i}", [float(i + j % 40) for j in range(50)])
                         for i in range(7)]),
])
def test_every_chart_returns_png(make):
    assert make().startswith(PNG)


def test_no_pyplot():
    assert "matplotlib.pyplot" not in sys.modules or "pyplot" not in charts.__dict__


def test_small_multiples_grow_with_rows_not_width():
    rounds = ["Q1", "Q2", "Q3"]
    five = charts.trend_multiples_png(rounds, [(f"S{i}", [50.0, 60.0, None]) for i in range(5)])
    seven = charts.trend_multiples_png(rounds, [(f"S{i}", [50.0, 60.0, 70.0])
                                                for i in range(7)])
    assert png_size(five)[0] == png_size(seven)[0] == 1360
    assert png_size(seven)[1] > 1.8 * png_size(five)[1]
    with pytest.raises(ValueError):
        charts.trend_multiples_png(rounds, [])
