// The recall panel: the drawing pad (pad.js), the training letters to recall instead, the
// recalled letter with the posterior over letters, and what each random start currently
// "imagines" from its hidden causes, redrawn as they move. It draws `state.recall` (its `phase`:
// main.js) and reports what the visitor does through `on`.
import { COLORS, fit, bounds, frame, trajectory, startColor, onResize } from './canvas.js';
import { createPad } from './pad.js';
import { setText, setProp, setAttr } from './dom.js';

/** `on`: drawn(strokes) when a letter is drawn (pad.js), letter(index of a training letter),
 * stop(), clear(), teachThis(label typed, strokes of the last drawing), learnNow(). */
export function createRecallPanel(root, on) {
  const result = root.querySelector('[data-testid="retrieval-result"]');
  const letterEl = root.querySelector('#recalled-letter');
  const statusEl = root.querySelector('#recall-status');
  const posteriorEl = root.querySelector('#posterior');
  const imaginedEl = root.querySelector('#imagined');
  const select = root.querySelector('#target-letter');
  const retrieve = root.querySelector('#retrieve');
  const pad = createPad(root.querySelector('#draw-pad'), { onLetter: (strokes) => on.drawn(strokes) });
  root.querySelector('#clear-pad').addEventListener('click', () => {
    pad.clear();
    on.clear();
  });
  retrieve.addEventListener('click', () => {
    const index = Number(select.value);
    if (select.value !== '' && Number.isInteger(index)) on.letter(index);
  });
  root.querySelector('#cancel').addEventListener('click', () => on.stop());

  // ---- "Teach me this letter": the last drawing, with the label the visitor gives it ----
  const teachThis = root.querySelector('#teach-this');
  const teachAsk = root.querySelector('#teach-this-ask');
  const teachLabel = root.querySelector('#teach-this-label');
  const teachStatus = root.querySelector('#teach-this-status');
  const learnNow = root.querySelector('#teach-this-learn');
  const openTeach = root.querySelector('#teach-this-open');
  openTeach.addEventListener('click', () => {
    teachAsk.hidden = false;
    openTeach.hidden = true;
    teachLabel.focus();
  });
  const add = () => on.teachThis(teachLabel.value, pad.lastLetter());
  root.querySelector('#teach-this-add').addEventListener('click', add);
  teachLabel.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') add();
  });
  learnNow.addEventListener('click', () => on.learnNow());
  let askedFor = null; // the recall the question was opened for

  function drawTeachThis(state) {
    const rec = state.recall;
    const offered = rec.phase === 'done' && rec.kind === 'stroke';
    const taught = state.teachThis?.recallId === rec.id ? state.teachThis : null;
    const learning = state.teach.active && state.train.state === 'running';
    setProp(teachThis, 'hidden', !offered && !taught);
    if (askedFor !== rec.id) {
      // A new answer: the question closes, the button comes back.
      askedFor = rec.id;
      teachAsk.hidden = true;
      openTeach.hidden = false;
      teachLabel.value = '';
    }
    if (taught?.phase === 'added') {
      teachAsk.hidden = true;
      openTeach.hidden = true;
    }
    const n = state.teach.set.labels.length;
    setText(
      teachStatus,
      learning
        ? `Learning… iteration ${state.train.iteration.toLocaleString('en')} of ${state.teach.target.toLocaleString('en')}.`
        : taught?.phase === 'added'
          ? `Added “${taught.label}” to your taught set (${n} exemplar${n === 1 ? '' : 's'}).`
          : '',
    );
    setProp(learnNow, 'hidden', taught?.phase !== 'added' || learning);
  }
  let last = null;

  // ---- the training letters to recall ----
  let listed = null;
  function drawLetterChoice(data) {
    if (data === listed) return;
    listed = data;
    const labels = data?.labels ?? [];
    const seen = {};
    select.replaceChildren(
      ...labels.map((label, i) => {
        seen[label] = (seen[label] ?? 0) + 1;
        const option = document.createElement('option');
        option.value = String(i);
        option.textContent = seen[label] > 1 ? `${label} (${seen[label]})` : label;
        return option;
      }),
    );
    select.disabled = !labels.length;
    retrieve.disabled = !labels.length;
  }

  // ---- the result ----
  let figures = [];
  function buildFigures(n) {
    imaginedEl.replaceChildren();
    figures = [];
    for (let k = 0; k < n; k++) {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `What start ${k + 1} imagines`);
      const cap = document.createElement('figcaption');
      const dot = document.createElement('span');
      dot.textContent = '● ';
      dot.style.color = startColor(k);
      const label = document.createElement('span');
      cap.append(dot, label);
      fig.append(canvas, cap);
      imaginedEl.append(fig);
      figures.push({ fig, canvas, label });
      onResize(canvas, () => last && drawImagined(last, true));
    }
  }

  let imaginedKey = [];
  function drawImagined(state, force = false) {
    const rec = state.recall;
    if (!rec.runs) return;
    const done = rec.phase === 'done';
    const snap = rec.snapshots.findLast((s) => s.trials <= rec.shown) ?? null;
    const key = [rec, snap, done, rec.target];
    if (!force && key.every((v, i) => v === imaginedKey[i])) return;
    imaginedKey = key;
    const b = bounds([rec.target]);
    figures.forEach(({ fig, canvas, label }, k) => {
      const { ctx, w, h } = fit(canvas);
      const toPx = frame(b, 2, 2, w - 4, h - 4, 0.2);
      trajectory(ctx, rec.target, toPx, { color: COLORS.train, width: 1.1, dash: [3, 3] });
      const pts = snap?.imagined?.[k];
      if (pts) trajectory(ctx, pts, toPx, { color: startColor(k), width: 1.8, startDot: true });
      const run = done ? rec.report.runs[k] : null;
      setText(label, run ? `start ${k + 1}: ${run.label}` : `start ${k + 1}`);
      fig.classList.toggle('best', done && rec.report.best_start[0] === k);
    });
  }

  let posteriorKey = [];
  function drawPosterior(state) {
    const rec = state.recall;
    const done = rec.phase === 'done';
    const key = [rec, done, state.model];
    if (key.every((v, i) => v === posteriorKey[i])) return;
    posteriorKey = key;
    // The engine's belief over its letters and, last, "none of them" (src/model/recognition.rs).
    const letters = [...(done ? rec.report.letters : state.model?.letters ?? []), NONE_LABEL];
    const best = done ? rec.report.beliefs[0] : null;
    const values = best ?? letters.map(() => 0);
    const top = best ? values.indexOf(Math.max(...values)) : -1;
    // Bars grow into a posterior, and drop at once when a recall starts: a transition then would
    // take frames while the worker computes (style.css).
    posteriorEl.classList.toggle('empty', !best);
    if (posteriorEl.children.length !== letters.length) {
      posteriorEl.replaceChildren(
        ...letters.map(() => {
          const bar = document.createElement('div');
          bar.className = 'pbar';
          const track = document.createElement('span');
          track.className = 'track';
          const fill = document.createElement('span');
          fill.className = 'fill';
          track.append(fill);
          const lab = document.createElement('span');
          lab.className = 'lab';
          bar.append(track, lab);
          return bar;
        }),
      );
    }
    [...posteriorEl.children].forEach((bar, i) => {
      setText(bar.lastChild, letters[i]);
      bar.classList.toggle('none', i === letters.length - 1);
      setProp(bar.firstChild.firstChild.style, 'height', `${Math.round(48 * (values[i] ?? 0))}px`);
      bar.classList.toggle('best', i === top);
      const name = i === letters.length - 1 ? 'none of the letters I know' : letters[i];
      setProp(bar, 'title', `${name}: ${((values[i] ?? 0) * 100).toFixed(1)}%`);
    });
    const topName = top === letters.length - 1 ? 'none of the letters I know' : letters[top];
    setAttr(
      posteriorEl,
      'aria-label',
      best ? `Belief over letters; highest: ${topName} at ${(values[top] * 100).toFixed(0)} percent` : 'Belief over letters (none yet)',
    );
  }

  const NONE_LABEL = '∅';

  function idleLine(state) {
    if (!state.model) return 'Loading the network…';
    if (state.teach.active && state.train.state === 'running') {
      return `Learning your letters… iteration ${state.train.iteration.toLocaleString('en')} of ${state.teach.target.toLocaleString('en')}; draw when it is done.`;
    }
    return 'Draw a letter to begin.';
  }

  // What `data-state` says of each phase (docs/design.md §6): a cancelled recall is idle again.
  const SHOWN_STATE = { idle: 'idle', running: 'running', replaying: 'running', done: 'done', cancelled: 'idle', error: 'error' };

  function render(state) {
    last = state;
    drawLetterChoice(state.data);
    const rec = state.recall;
    const shown = SHOWN_STATE[rec.phase];
    setProp(result.dataset, 'state', shown);
    // How many recalls the page has started: a test knows a new one began.
    setProp(result.dataset, 'count', String(state.engine.lastRecallId));
    if (shown === 'done') {
      const report = rec.report;
      const letter = report.predictions[0];
      const recognised = report.recognised[0];
      const match = report.match_errors[0];
      setProp(result.dataset, 'letter', letter);
      setProp(result.dataset, 'recognised', String(recognised));
      setProp(result.dataset, 'match', String(match));
      setProp(result.dataset, 'ms', rec.ms.toFixed(0));
      setText(letterEl, recognised ? letter : '–');
      const target = rec.kind === 'letter' ? ` (target: ${rec.targetLabel})` : '';
      const threshold = rec.settings.match_threshold;
      const fit = `match error ${match.toFixed(2)}${threshold ? `; letters I know match below ${threshold}` : ''}`;
      setText(
        statusEl,
        recognised
          ? `looks like “${letter}”: ${fit}. After ${report.trials} trials from ${rec.runs} starts${target}; ${rec.ms.toFixed(0)} ms`
          : `That doesn't look like any letter I have learned (nearest: “${letter}”; ${fit}).${target}`,
      );
    } else {
      delete result.dataset.letter;
      delete result.dataset.recognised;
      delete result.dataset.match;
      delete result.dataset.ms;
      const [mark, line] =
        shown === 'running'
          ? ['…', `recalling… trial ${Math.floor(rec.shown)} of ${rec.total}`]
          : shown === 'error'
            ? ['!', 'could not recall this one (see the message)']
            : ['?', idleLine(state)];
      setText(letterEl, mark);
      setText(statusEl, line);
    }
    const runs = rec.runs ?? 0;
    if (figures.length !== runs) buildFigures(runs);
    drawImagined(state);
    drawPosterior(state);
    drawTeachThis(state);
  }

  return { render, clear: pad.clear, lastLetter: pad.lastLetter };
}
