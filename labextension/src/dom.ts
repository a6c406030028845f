/**
 * Small DOM helpers shared by the view's parts: element creation and
 * defensive reads of values that came from the kernel.
 */

/** Create an element with an optional class and text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) {
    el.className = className;
  }
  if (text !== undefined) {
    el.textContent = text;
  }
  return el;
}

/** A `<button type=button>` with a tooltip that is also its accessible name. */
export function button(className: string, text: string, title: string): HTMLButtonElement {
  const b = h('button', `glove-button ${className}`, text);
  b.type = 'button';
  b.title = title;
  b.setAttribute('aria-label', title);
  return b;
}

/** `value` as text (`fallback` for null/undefined). */
export function asString(value: unknown, fallback = ''): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value === null || value === undefined) {
    return fallback;
  }
  return String(value);
}

/** `value` as a list of texts (empty unless it is an array). */
export function asStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.map(v => asString(v)) : [];
}

/** The hue of the graph's colour for a tag (sent by the server), else a hash of its name. */
export function tagHue(tag: string, color?: unknown): number {
  if (typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color)) {
    const [r, g, b] = [1, 3, 5].map(i => parseInt(color.slice(i, i + 2), 16) / 255);
    const max = Math.max(r, g, b);
    const delta = max - Math.min(r, g, b);
    if (delta === 0) {
      return 0;
    }
    const hue =
      max === r ? ((g - b) / delta) % 6 : max === g ? (b - r) / delta + 2 : (r - g) / delta + 4;
    return Math.round((hue * 60 + 360) % 360);
  }
  let hash = 0;
  for (let i = 0; i < tag.length; i++) {
    hash = (hash * 31 + tag.charCodeAt(i)) | 0;
  }
  return Math.abs(hash) % 360;
}

/** Move the focus to `el` without scrolling the page. */
export function focusQuietly(el: HTMLElement): void {
  try {
    el.focus({ preventScroll: true });
  } catch {
    el.focus();
  }
}

/**
 * Run `fn` and record its duration as a `performance.measure` named
 * `glove:<name>` (read by benchmarks/bench_widget.py; costs microseconds).
 */
export function timed<T>(name: string, fn: () => T): T {
  const perf = typeof performance !== 'undefined' ? performance : null;
  const start = perf ? perf.now() : 0;
  try {
    return fn();
  } finally {
    if (perf && typeof perf.measure === 'function') {
      try {
        perf.measure(`glove:${name}`, { start, end: perf.now() });
      } catch {
        // An old browser without measure options: no figure.
      }
    }
  }
}
