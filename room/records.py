"""What the room database holds, as plain data: room codes, drawings, summaries. No SQL.

store.py keeps these in SQLite or PostgreSQL through SQLAlchemy; the page and the wall (ui.py,
wall.py) read and check them without loading SQLAlchemy, which would add 0.3 s to every first
page, rooms or not.
"""

from dataclasses import dataclass, field

import numpy as np

from i18n import _, ngettext

CODE_ALPHABET = "ACDEFHJKMNPRTWXY"  # no B/8, G/6, I/L/1, O/Q/0, S/5, U/V, Z/2 to misread aloud
CODE_LENGTH = 4  # 16**4 = 65,536 codes, of which only the unexpired few are taken at a time


@dataclass(frozen=True)
class NewRoom:
    code: str
    secret: str  # shown once to the presenter; the database keeps only its SHA-256
    expires_at: float


@dataclass(frozen=True)
class Drawing:
    id: int
    created_at: float
    pixels: np.ndarray = field(repr=False)  # (28, 28) uint8
    strokes: int
    meant: int
    read: int
    step_predictions: np.ndarray = field(repr=False)  # (28,) uint8: the readout's argmax after each row

    @property
    def correct(self) -> bool:
        return self.meant == self.read


@dataclass(frozen=True)
class RoomStatus:
    code: str
    expires_at: float
    closed: bool
    drawings: int  # how many so far


@dataclass(frozen=True)
class RoomSummary:
    code: str
    created_at: float
    expires_at: float
    closed: bool
    drawings: tuple[Drawing, ...]  # oldest first


def normalise_code(code) -> str:
    """A code as typed or linked ("abcd ", "ABCD") -> "ABCD"; ValueError if it cannot be one."""
    text = str(code or "").strip().upper()
    shown = str(code or "").strip()[:12]
    if len(text) != CODE_LENGTH:
        raise ValueError(_("“{shown}” is not a room code: a code is {length} letters, like the one on the "
                           "presenter's screen.").format(shown=shown, length=CODE_LENGTH))
    unused = sorted({letter for letter in text if letter not in CODE_ALPHABET})
    if unused:  # (the words are in the page's language: i18n/__init__.py imports nothing of the page)
        raise ValueError(ngettext("“{shown}” is not a room code: codes use only the letters {letters}, and {unused} is "
                                  "not among them.",
                                  "“{shown}” is not a room code: codes use only the letters {letters}, and {unused} "
                                  "are not among them.", len(unused)).format(
                                      shown=shown, letters=" ".join(CODE_ALPHABET), unused=_(" and ").join(unused)))
    return text
