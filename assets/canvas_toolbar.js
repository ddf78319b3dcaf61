// streamlit-drawable-canvas 0.13 parks its toolbar, invisible (opacity 0), over the top-right
// corner of the canvas until the pointer has hovered there for 0.2 s, and the invisible buttons
// still take the press: a stroke that starts there (a 5's flag, a 7's corner; any touch on a
// phone, which never hovers) draws nothing or presses Undo. Even shown, the toolbar's padding
// covers the canvas's top few pixels. This pins the toolbar just above the canvas, where the page
// leaves room for it, and lets only its buttons' card take presses. The component renders in a
// shadow root, out of reach of the page's stylesheet, so the rules are added to that root.
(() => {
  // !important: the component's own sheet may come later in the root (adopted sheets do) and
  // would win a tie, hovered or not.
  // The buttons are 22.4 px squares: WCAG 2.2's target size asks for 24 px at least (issue 28).
  const RULES = ".dc-toolbar { top: -2.9rem !important; pointer-events: none !important; } " +
                ".dc-toolbar-card { pointer-events: auto !important; } " +
                ".dc-icon-button { min-width: 24px !important; min-height: 24px !important; }";
  const pin = (host, framesLeft = 600) => {
    const root = host.shadowRoot;
    if (root === null) {  // the component attaches its shadow root a little after its host
      if (framesLeft > 0) requestAnimationFrame(() => pin(host, framesLeft - 1));
      return;
    }
    if (!root.querySelector("style[data-toolbar-pin]")) {
      const style = document.createElement("style");
      style.dataset.toolbarPin = "";
      style.textContent = RULES;
      root.appendChild(style);
    }
    if (!host.toolbarPinWatch) {  // should the component replace its root's children, pin again
      host.toolbarPinWatch = new MutationObserver(() => pin(host));
      host.toolbarPinWatch.observe(root, {childList: true});
    }
  };
  const pinAll = () => document.querySelectorAll("[data-testid='stBidiComponentIsolated']").forEach((host) => pin(host));
  if (!window.rowLstmToolbarPin) {  // once per page, however often Streamlit reruns
    window.rowLstmToolbarPin = new MutationObserver(pinAll);
    window.rowLstmToolbarPin.observe(document.body, {childList: true, subtree: true});
  }
  pinAll();
})();
