"""The three layouts of the page. A layout decides where each part goes; the parts themselves
(the canvas, the prediction, the views) are drawn by the same *_ui functions in every layout.

- desktop: a laptop or a large screen. Title and introduction; the source, what the LSTM sees
  and the prediction side by side; the analysis tabs below.
- present: a projector, 1280 x 720 or 1920 x 1080 at 100%. No introduction and no Streamlit
  top bar; the canvas, the prediction, the layout switch and the playback controls on the left,
  the analysis tabs on the right, all on one screen.
- phone: one column; the canvas first, right under a short header, and the prediction right
  under it, so that nothing above the canvas changes while a finger draws (a card above it pushed
  the canvas down mid-digit); the playback stacked for a narrow screen.

In every layout the prediction has a keyed container ("result") holding a placeholder card
before the first stroke, and the same card after it.
"""

from dataclasses import dataclass

import streamlit as st

from i18n import N_, _

MODES = {"desktop": N_(":material/laptop: Laptop"), "present": N_(":material/co_present: Presenter"),
         "phone": N_(":material/smartphone: Phone")}

# Streamlit's padding and top bar cost a projector about 160 px of its 720.
PRESENT_CSS = """
header[data-testid="stHeader"] { display: none; }
[role="tablist"] { flex-wrap: wrap; row-gap: 0.1rem; }  /* every tab on screen, none behind a scroll arrow */
[data-testid="stMainBlockContainer"] { padding: 0.75rem 1.5rem 0; max-width: none; }
.st-key-prediction [data-testid="stMetricValue"] { font-size: 3rem; line-height: 1.1; }
.modebar-container { display: none; }
/* The playback fills the screen's height under the tabs and its buttons: 540 px at 720, 890 at 1080. */
.st-key-playback { height: max(540px, calc(100vh - 190px)); }
/* The card compact (label above, digit and words side by side), so that the playback's controls
   and the layout switch stay on a 720 px screen under the canvas. */
.st-key-result [data-testid="stMetric"] { padding: 0; }
.st-key-result [data-testid="stMetric"] > div { padding: 0.3rem 0.75rem; display: flex; flex-wrap: wrap;
    align-items: center; column-gap: 0.75rem; }
.st-key-result [data-testid="stMetricLabel"] { flex-basis: 100%; }
/* Tables read from the back of a room. */
[data-testid="stMarkdownContainer"] table, [data-testid="stTable"] table { font-size: 18px; }
"""
# A laptop's tabs wrap to a second line rather than hide the last ones behind a scroll arrow.
DESKTOP_CSS = """
[role="tablist"] { flex-wrap: wrap; row-gap: 0.25rem; }
"""
# The top bar stays (it opens the sidebar's rooms), so the page starts below its 3.75 rem.
PHONE_CSS = """
.modebar-container { display: none; }
[data-testid="stMainBlockContainer"] { padding: 3.75rem 0.75rem 2rem; }
h1 { font-size: 1.5rem !important; padding: 0 !important; }
[data-testid="stTab"] p { font-size: 0.95rem; }
[role="tablist"] { flex-wrap: wrap; row-gap: 0.25rem; }  /* tab labels wrap to a second line, never cut */
/* Tables fit the screen's width: their columns wrap, code and numbers included, rather than
   push the last column off the side. */
[data-testid="stMarkdownContainer"] table { table-layout: fixed; width: 100%; font-size: 0.85rem; }
[data-testid="stMarkdownContainer"] th, [data-testid="stMarkdownContainer"] td { overflow-wrap: anywhere;
    padding: 0.25rem 0.3rem; }
[data-testid="stMarkdownContainer"] td code { white-space: normal; overflow-wrap: anywhere; }
[data-testid="stMarkdownContainer"] td .katex { white-space: normal; }
/* A compact card under the canvas (label above, digit and words side by side): on a 360 x 740
   phone the whole of it shows under the canvas without scrolling. */
.st-key-result [data-testid="stMetric"] { padding: 0; }
.st-key-result [data-testid="stMetric"] > div { padding: 0.4rem 0.75rem; display: flex; flex-wrap: wrap;
    align-items: center; column-gap: 0.75rem; }
.st-key-result [data-testid="stMetricLabel"] { flex-basis: 100%; }
/* Clear and the sample picker side by side under the canvas (Streamlit stacks columns on a
   narrow screen). */
.st-key-pad_tools [data-testid="stHorizontalBlock"] { flex-wrap: nowrap; }
.st-key-pad_tools [data-testid="stColumn"] { min-width: 0 !important; }
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
    language: object | None = None  # the language switch, when not beside the layout switch


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
        with left:  # the language last: chosen once, before presenting (under the fold of a 720 px screen)
            source, result, header, controls, language = st.container(), st.container(key="result"), \
                st.container(), st.container(), st.container()
        return Slots(mode, header, source, result, None, controls, right, compact=True, language=language)
    if mode == "phone":
        st.html(f"<style>{PHONE_CSS}</style>")
        header, source = st.container(), st.container()
        result = st.container(key="result")
        seen, views = st.container(), st.container()
        return Slots(mode, header, source, result, seen, None, views, compact=True, language=st.sidebar)
    st.html(f"<style>{DESKTOP_CSS}</style>")
    header = st.container()
    source, seen, result_column = st.columns([1.35, 1, 1], gap="large")
    result = result_column.container(key="result")
    return Slots(mode, header, source, result, seen, None, st.container(), compact=False)
