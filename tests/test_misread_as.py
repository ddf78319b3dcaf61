"""scripts/misread_as.py and the exam drawings it shares with model.evaluate and long_flag_ones."""

import re

from model import evaluate
from model.drawn_digits import STYLES
from scripts import misread_as


def test_exam_drawings_are_one_digits_share_of_each_exam():
    held_out = evaluate.exam_drawings(6, per_digit=12)
    seen = evaluate.exam_drawings(6, held_out=False, per_digit=12)
    assert len(held_out) == len(seen) == 12 and all(d.digit == 6 for d in held_out + seen)
    assert {d.style for d in held_out} == {s.name for s in STYLES[6] if s.held_out}
    assert {d.style for d in seen} <= {s.name for s in STYLES[6] if not s.held_out}
    assert evaluate.exam_seed("held_out_styles") == evaluate.DRAWN_SEED != evaluate.exam_seed("seen_styles")
    assert len({evaluate.exam_seed(part) for part in evaluate.EXAM_PARTS}) == len(evaluate.EXAM_PARTS)


def test_every_drawing_is_counted_once(capsys, monkeypatch):
    monkeypatch.setattr(misread_as, "exam_drawings",
                        lambda digit, held_out: evaluate.exam_drawings(digit, held_out, per_digit=30))
    misread_as.main(["6"])
    line = capsys.readouterr().out.strip()
    assert line.startswith("6 (small loop) read by ")
    counts = [int(n) for n in re.findall(r"(?:^|, )\d (\d+)", line.split(": ", 1)[1])]
    assert sum(counts) == 30
