// Keyboard-operable playback (issue 28). Plotly draws its own Play/Pause buttons and step slider
// in SVG, where Tab never reaches them. The page puts real HTML buttons beside the chart
// (page/views.py, class "playback-controls") and this script makes them drive Plotly's own
// controls: Play and Pause press its updatemenu buttons, and a step is chosen by pressing its
// slider at that step's tick, so the figure animates exactly as with the mouse (Plotly.animate is
// not reachable from the page: Streamlit bundles plotly.js without a global). Every step change,
// however it came (buttons, keys, the mouse on the slider, playing), updates the description under
// the buttons, an ARIA live region; while playing it stays silent and speaks the step it stops on.
// No "<" may stand before a letter anywhere in this file: DOMPurify, which st.html runs, drops such a script.
(() => {
  const PLOT = ".st-key-playback .js-plotly-plot";
  const CONTROLS = ".playback-controls";

  const controls = () => document.querySelector(CONTROLS);
  const plot = () => {
    const gd = document.querySelector(PLOT);
    return gd && gd._fullLayout && gd._fullLayout.sliders && gd._fullLayout.sliders.length ? gd : null;
  };
  const stepCount = (gd) => gd._fullLayout.sliders[0].steps.length;
  const currentStep = (gd) => gd._fullLayout.sliders[0].active + 1;

  function describe(step) {
    const group = controls();
    if (!group) return;
    const descriptions = JSON.parse(group.dataset.descriptions);
    const region = group.querySelector(".playback-description");
    const text = descriptions[step - 1];
    if (text !== undefined && region.textContent !== text) region.textContent = text;
    group.dataset.step = String(step);  // for tests: the step the words describe
  }

  function setPlaying(playing) {
    const group = controls();
    if (!group) return;
    group.dataset.playing = playing ? "true" : "false";
    const button = group.querySelector("[data-action='play']");
    button.textContent = playing ? group.dataset.pauseLabel : group.dataset.playLabel;
    button.setAttribute("aria-pressed", playing ? "true" : "false");
    // A live region that spoke every 200 ms would drown the reader: silent while playing.
    group.querySelector(".playback-description").setAttribute("aria-live", playing ? "off" : "polite");
  }

  function pressSlider(gd, step) {
    // Plotly's slider reads d3.mouse(rail) on mousedown and animates to the nearest step.
    const ticks = gd.querySelectorAll(".slider-group .slider-tick-rect");
    const rail = gd.querySelector(".slider-group .slider-rail-touch-rect");
    if (!rail || ticks.length !== stepCount(gd)) return;
    const tick = ticks[step - 1].getBoundingClientRect();
    const box = rail.getBoundingClientRect();
    const at = {clientX: tick.left + tick.width / 2, clientY: box.top + box.height / 2, bubbles: true, view: window};
    rail.dispatchEvent(new MouseEvent("mousedown", at));
    gd.dispatchEvent(new MouseEvent("mouseup", at));
  }

  function pressMenu(gd, index) {
    const button = gd.querySelectorAll(".updatemenu-button")[index];
    if (button) button.dispatchEvent(new MouseEvent("click", {bubbles: true, view: window}));
  }

  function act(action) {
    const gd = plot();
    if (!gd) return;
    const steps = stepCount(gd), now = currentStep(gd);
    const playing = controls().dataset.playing === "true";
    if (action === "play") {
      if (playing) { pressMenu(gd, 1); return; }  // Pause
      if (now === steps) pressSlider(gd, 1);  // from the end, play from the start again
      pressMenu(gd, 0);
      return;
    }
    if (playing) pressMenu(gd, 1);
    const target = {first: 1, previous: Math.max(now - 1, 1), next: Math.min(now + 1, steps), last: steps}[action];
    if (target !== undefined && target !== now) pressSlider(gd, target);
  }

  function bind(gd) {
    if (gd.rowLstmPlaybackBound || typeof gd.on !== "function") return;
    gd.rowLstmPlaybackBound = true;
    gd.on("plotly_sliderchange", (event) => describe(Number(event.step.value)));
    gd.on("plotly_animatingframe", (event) => describe(Number(event.name)));
    gd.on("plotly_animating", () => setPlaying(true));
    gd.on("plotly_animated", () => { setPlaying(false); describe(currentStep(gd)); });
    gd.on("plotly_animationinterrupted", () => { setPlaying(false); describe(currentStep(gd)); });
    // A rerun that sends a new figure (another speed, a new stroke) opens it on its first step.
    gd.on("plotly_afterplot", () => { if (controls() && controls().dataset.playing !== "true") describe(currentStep(gd)); });
  }

  function bindAll() {
    const gd = plot();
    if (gd) bind(gd);
  }

  if (!window.rowLstmPlayback) {  // once per page, however often Streamlit reruns
    window.rowLstmPlayback = new MutationObserver(bindAll);
    window.rowLstmPlayback.observe(document.body, {childList: true, subtree: true});
    document.addEventListener("click", (event) => {
      const button = event.target.closest && event.target.closest(CONTROLS + " [data-action]");
      if (button) act(button.dataset.action);
    });
    document.addEventListener("keydown", (event) => {
      if (!event.target.closest || !event.target.closest(CONTROLS)) return;
      const action = {ArrowLeft: "previous", ArrowRight: "next", Home: "first", End: "last"}[event.key];
      if (action) { event.preventDefault(); act(action); }
    });
  }
  bindAll();
})();
