"""The three layouts of the page. A layout decides where each part goes; the parts themselves
(the canvas, the prediction, the views) are drawn by the same *_ui functions in every layout.

- desktop: a laptop or a large screen. Title and introduction; the source, what the LSTM sees
  and the prediction side by side; the analysis tabs below.
- present: a projector, 1280 x 720 or 1920 x 1080 at 100%. No introduction and no Streamlit
  top bar; the canvas, the prediction and the playback controls on the left, the analysis tabs
  on the right, all on one screen.
- phone: one column; the prediction right above the canvas, so that a stroke's answer is on
  screen without scrolling; the playback stacked for a narrow screen.
"""

from dataclasses import dataclass

import streamlit as st

from page.i18n import N_, _

MODES = {"desktop": N_(":material/laptop: Laptop"), "present": N_(":material/co_present: Presenter"),
         "phone": N_(":material/smartphone: Phone")}

# Streamlit's padding and top bar cost a projector about 160 px of its 720.
PRESENT_CSS = """
header[data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 0.75rem 1.5rem 0; max-width: none; }
.st-key-prediction [data-testid="stMetricValue"] { font-size: 3.5rem; line-height: 1.1; }
.modebar-container { display: none; }
"""
# A laptop's tabs wrap to a second line rather than hide the last ones behind a scroll arrow.
DESKTOP_CSS = """
[role="tablist"] { flex-wrap: wrap; row-gap: 0.25rem; }
"""
PHONE_CSS = """
.modebar-container { display: none; }
[data-testid="stMainBlockContainer"] { padding: 0.5rem 0.75rem 2rem; }
h1 { font-size: 1.6rem !important; padding: 0.25rem 0 !important; }
[data-testid="stTab"] p { font-size: 0.95rem; }
[role="tablist"] { flex-wrap: wrap; row-gap: 0.25rem; }  /* tab labels wrap to a second line, never cut */
"""


@dataclass(frozen=True)
class Slots:
    """Where each part of the page goes, in the chosen layout."""

    mode: str
    header: object  # title, mode switch
    source: object  # draw / test digits
    result: object  # the prediction
    seen: object | None  # what the LSTM sees (None: the playback shows it)
    controls: object | None  # playback speed, link and downloads (None: inside the playback tab)
    views: object  # the analysis tabs
    compact: bool  # the prediction card alone, no explanation beside it


def mode_name(mode: str) -> str:
    """A layout's name on the layout switch, in the page's language."""
    return _(MODES[mode])


def choose_mode(requested: str | None, user_agent: str) -> str:
    """The layout: the link's ?mode= if any, else phone for a phone's browser, else desktop.
    A phone opening a presenter's link gets the phone layout: a projector's is no use on it."""
    phone = "Mobi" in user_agent  # as browsers' user-agent strings mark phones
    if requested == "present" and phone:
        return "phone"
    if requested in MODES:
        return requested
    return "phone" if phone else "desktop"


def layout(mode: str) -> Slots:
    """Containers for the parts of the page, in the order the layout shows them."""
    if mode == "present":
        st.html(f"<style>{PRESENT_CSS}</style>")
        left, right = st.columns([1, 2.7], gap="medium")
        with left:
            source, result, controls, header = (st.container() for _ in range(4))
        return Slots(mode, header, source, result, None, controls, right, compact=True)
    if mode == "phone":
        st.html(f"<style>{PHONE_CSS}</style>")
        header, result, source, seen, views = (st.container() for _ in range(5))
        return Slots(mode, header, source, result, seen, None, views, compact=True)
    st.html(f"<style>{DESKTOP_CSS}</style>")
    header = st.container()
    source, seen, result = st.columns([1.35, 1, 1], gap="large")
    return Slots(mode, header, source, result, seen, None, st.container(), compact=False)
