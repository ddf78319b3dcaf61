"""scripts/long_flag_ones.py: the long-flag 1s read right, by the angle of their flag."""

import re

import pytest

from model.drawn_digits import Drawing
from scripts import long_flag_ones, reading_test


@pytest.mark.parametrize("strokes, degrees", [
    ([[(0, 38), (55, 0), (55, 100)]], 34.6),  # a flag 55 px long falling 38 px: atan(38 / 55)
    ([[(10, 10), (60, 10), (30, 90)]], 0.0),  # a 7's level bar
    ([[(0, 50), (50, 0), (50, 100)], [(0, 100), (90, 100)]], 45.0),  # a base stroke changes nothing
])
def test_the_flag_angle_is_its_fall_from_tip_to_top(strokes, degrees):
    drawing = Drawing(1, strokes, brush_width=20)
    assert long_flag_ones.flag_drop_degrees(drawing) == pytest.approx(degrees, abs=0.1)


@pytest.mark.parametrize("strokes, degrees", [
    ([[(10, 10), (90, 10), (30, 90)]], 36.9),  # a stem falling 80 px while it moves 60 px left
    ([[(10, 30), (10, 10), (90, 10), (90, 90)]], 0.0),  # a serif first, then an upright stem
    ([[(10, 10), (50, 10), (70, 90)]], -14.0),  # a foot to the right
])
def test_a_sevens_stem_leans_from_its_corner_to_its_foot(strokes, degrees):
    drawing = Drawing(7, strokes, brush_width=20)
    assert long_flag_ones.stem_lean_degrees(drawing) == pytest.approx(degrees, abs=0.1)


def test_every_one_lands_in_one_angle_bin():
    rows = long_flag_ones.report(per_digit=20)
    counted = [sum(int(total) for _, total in re.findall(r"(\d+) of (\d+)", " ".join(row[1:])))
               for row in rows]
    assert counted[0] == 20  # the exam's 1s
    assert counted[1:] == [reading_test.ONES] * (len(rows) - 1)  # each reading of the test's 1s
    assert len(rows) == 2 + len(long_flag_ones.READINGS) and len(long_flag_ones.READINGS) >= 2
    for row in rows:
        for cell in row[1:]:
            if cell != "-":
                right, total = map(int, cell.split(" of "))
                assert 0 <= right <= total


def test_the_sevens_measured_are_the_seen_exams_bar_first_sevens():
    sevens = long_flag_ones.evaluation_sevens(per_digit=40)
    assert sevens and all(d.digit == 7 and d.style in ("plain", "crossed") for d in sevens)
    # The bar is drawn first, left to right: level or tipped a little, never a flag's 45 degrees.
    assert max(long_flag_ones.flag_drop_degrees(d) for d in sevens) < 35
