// DOM writes that happen only when the value changes. The render loop runs every frame while a
// recall unfolds; writing an unchanged text or attribute still costs a style and layout pass
// (forced at once when a canvas then reads its size), on the cores the engine's worker needs.

export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** `target[key] = value` unless it already is: element properties (disabled, hidden, value…)
 * and dataset entries. */
export function setProp(target, key, value) {
  if (target[key] !== value) target[key] = value;
}

export function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}
