// The recall's replay under the map, for a lesson: pause it, step it a trial at a time or drag it
// to any trial computed so far, with a one-line caption of what is happening at that trial. It
// draws `state.recall` and reports what the visitor does through `on`; main.js moves the replay.
import { setText, setProp, setAttr } from './dom.js';

/** `on`: pause(), play(), seek(trial), step(). */
export function createReplayPanel(root, on) {
  const play = root.querySelector('#replay-play');
  const slider = root.querySelector('#replay-trial');
  const step = root.querySelector('#replay-step');
  const captionEl = root.querySelector('#caption');
  play.addEventListener('click', () => (play.dataset.paused === 'true' ? on.play() : on.pause()));
  slider.addEventListener('input', () => on.seek(Number(slider.value)));
  step.addEventListener('click', () => on.step());

  function render(state) {
    const rec = state.recall;
    const live = rec.phase === 'running' || rec.phase === 'replaying' || rec.phase === 'done';
    const paused = !!rec.paused && rec.phase !== 'done';
    setProp(play.dataset, 'paused', String(paused));
    setText(play, paused ? 'Play' : 'Pause');
    setAttr(play, 'aria-label', paused ? "Play the recall's replay" : "Pause the recall's replay");
    setProp(play, 'disabled', !live || rec.phase === 'done');
    setProp(step, 'disabled', !live || rec.phase === 'done');
    setProp(slider, 'disabled', !live);
    setProp(slider, 'max', String(rec.total ?? 1));
    setProp(slider, 'value', String(Math.floor(rec.shown ?? 0)));
    setText(captionEl, caption(state));
  }
  return { render };
}

/** One line on what the recall is doing at the trial shown. */
export function caption(state) {
  const rec = state.recall;
  const t = Math.floor(rec.shown ?? 0);
  const at = `Trial ${t.toLocaleString('en')} of ${(rec.total ?? 0).toLocaleString('en')}`;
  const paused = rec.paused ? ' (paused)' : '';
  switch (rec.phase) {
    case 'running':
    case 'replaying':
      if (t === 0) return `${at}: ${rec.runs} starts begin at random points of the map.${paused}`;
      if (t < 0.1 * rec.total) return `${at}: the prediction error pushes each start's causes across the map, fast at first.${paused}`;
      if (t < 0.6 * rec.total) return `${at}: each start settles near a memory whose letter resembles the drawing.${paused}`;
      return `${at}: the starts have settled; the one whose letter matches the drawing best will answer.${paused}`;
    case 'done': {
      const report = rec.report;
      const match = report.match_errors[0].toFixed(2);
      return report.recognised[0]
        ? `Done: the best start imagines “${report.predictions[0]}”, matching the drawing with error ${match}.`
        : `Done: no start imagines a letter that matches well (error ${match}), so it is not one I have learned.`;
    }
    case 'cancelled':
      return 'Recall stopped.';
    case 'error':
      return 'This recall could not run (see the message).';
    default:
      return state.model ? 'Draw a letter: the starts will travel across this map to the memory they recognise.' : 'Loading the network…';
  }
}
