"""Room codes as typed or linked: read when they can be, refused in plain words when not."""

import pytest

from room import records


@pytest.mark.parametrize("typed, code", [("ktxw", "KTXW"), (" ACDE ", "ACDE")])
def test_a_code_is_read_whatever_its_case_and_spaces(typed, code):
    assert records.normalise_code(typed) == code


@pytest.mark.parametrize("typed, words", [
    ("ZZZZ", "“ZZZZ” is not a room code: codes use only the letters A C D E F H J K M N P R T W X Y, and Z is "
             "not among them."),
    ("KB8W", "and 8 and B are not among them"),
    ("zz", "“zz” is not a room code: a code is 4 letters"),
    ("", "a code is 4 letters"),
])
def test_a_bad_code_says_what_is_wrong(typed, words):
    with pytest.raises(ValueError) as refused:
        records.normalise_code(typed)
    assert words in str(refused.value)
    assert "4 letters" not in str(refused.value) or len(typed.strip()) != records.CODE_LENGTH
