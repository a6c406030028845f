/** The history pane: applied steps, then undone ones (struck through). */

import { asString, h } from './dom';
import { IHistoryEntry } from './types';

export class HistoryView {
  /** The section (`.glove-history-section`). */
  readonly el: HTMLElement;

  constructor() {
    this.el = h('section', 'glove-section glove-history-section');
    this.el.appendChild(h('h3', 'glove-section-title', 'History'));
    this._list = h('ol', 'glove-history');
    this._empty = h('p', 'glove-empty', 'No steps yet.');
    this.el.append(this._list, this._empty);
  }

  /** Show `raw` (the history trait). */
  render(raw: unknown): void {
    const entries = (Array.isArray(raw) ? raw : []) as Partial<IHistoryEntry>[];
    this._list.replaceChildren();
    for (const entry of entries) {
      if (!entry || typeof entry !== 'object') {
        continue;
      }
      const li = h('li', 'glove-history-entry');
      if (entry.undone) {
        li.classList.add('glove-undone');
      }
      if (typeof entry.index === 'number') {
        li.setAttribute('data-index', String(entry.index));
      }
      li.appendChild(h('span', 'glove-history-rule', asString(entry.rule)));
      const params = asString(entry.params);
      if (params) {
        li.appendChild(h('span', 'glove-history-params', `(${params})`));
      }
      const paths = asString(entry.paths);
      const where = paths === 'everywhere' ? paths : paths && `at ${paths}`;
      if (where) {
        li.appendChild(h('span', 'glove-history-paths', ` ${where}`));
      }
      const summary = asString(entry.summary);
      if (summary) {
        li.appendChild(h('div', 'glove-history-summary', summary));
      }
      const checkError = asString(entry.check_error);
      if (checkError) {
        // Kept although the session's check failed on it (check_mode "warn"): marked red.
        li.classList.add('glove-check-failed');
        li.appendChild(h('div', 'glove-history-check-error', checkError));
      }
      const tip = [asString(entry.rule), params && `(${params})`, where, summary]
        .filter(Boolean)
        .join(' ');
      li.title = entry.undone ? `${tip} (undone)` : tip;
      this._list.appendChild(li);
    }
    this._empty.hidden = this._list.childElementCount > 0;
    this._list.scrollTop = this._list.scrollHeight;
  }

  private _list: HTMLOListElement;
  private _empty: HTMLParagraphElement;
}
