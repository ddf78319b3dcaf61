"""A small version of scripts/load_test.py: three simultaneous browser sessions, each drawing,
playing and clearing three digits; no errors, and every session sees only its own drawings."""

from scripts.load_test import run_load


def test_three_simultaneous_sessions_each_see_their_own_drawings(chromium_path):
    report = run_load(sessions=3, digits=3, chromium=chromium_path)
    assert report.errors == []
    assert report.drawings == 9
    print(report.row())
