// Reports the browser window's inner height to the page, in 20 px steps: on a projector the
// playback takes the screen's height, which Streamlit cannot know otherwise. `data` is the
// height the page already has: the same height is not sent again (each send reruns the page),
// and a resize is sent once it has stopped for a quarter of a second.
export default function ({ data, setStateValue }) {
  const STEP_PX = 20;
  let timer = null;
  const report = () => {
    const height = Math.round(window.innerHeight / STEP_PX) * STEP_PX;
    if (height !== data) setStateValue("height", height);
  };
  const resized = () => { clearTimeout(timer); timer = setTimeout(report, 250); };
  report();
  window.addEventListener("resize", resized);
  return () => { clearTimeout(timer); window.removeEventListener("resize", resized); };
}
