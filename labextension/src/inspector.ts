/**
 * The inspector pane: path, type, tags, arguments and doc of the inspected
 * node; every field is editable in place (Enter sends a `set` with a Python
 * expression, see keyboard.ts) and a field's name selects it.
 */

import { asString, asStringArray, focusQuietly, h, tagHue } from './dom';
import { segmentStarts } from './navigate';
import { IInspector } from './types';

/** A breadcrumb longer than this shows its top and nearest ancestors only. */
const MAX_CRUMBS = 12;
const CRUMBS_TOP = 3;
const CRUMBS_NEAR = 6;

export class InspectorView {
  /** The section (`.glove-inspector`). */
  readonly el: HTMLElement;

  constructor() {
    this.el = h('section', 'glove-section glove-inspector');
    this.el.appendChild(h('h3', 'glove-section-title', 'Inspector'));
    this._body = h('div', 'glove-inspector-body');
    this.el.appendChild(this._body);
  }

  /** Show `raw` (the inspector trait; `{}` when nothing is inspected). */
  render(raw: Partial<IInspector> | null | undefined): void {
    const body = this._body;
    // An edit in progress survives a redraw of the same node: same field, same text,
    // focus kept (else the focus would fall to the page and keys to the notebook).
    const focused = document.activeElement;
    const editing =
      focused instanceof HTMLInputElement && body.contains(focused) ? focused : null;
    body.replaceChildren();
    try {
      this._fill(body, raw);
    } finally {
      if (editing) {
        const again = Array.from(body.querySelectorAll('input.glove-edit')).find(
          el =>
            el.getAttribute('data-path') === editing.getAttribute('data-path') &&
            el.getAttribute('data-key') === editing.getAttribute('data-key')
        ) as HTMLInputElement | undefined;
        if (again) {
          again.value = editing.value;
          focusQuietly(again);
        } else {
          focusQuietly(this._focusFallback());
        }
      }
    }
  }

  /** Called with a path when an ancestor in the breadcrumb is clicked. */
  onSelect: ((path: string) => void) | null = null;

  /** How many nodes are selected (the inspector shows the last one). */
  setSelectionCount(count: number): void {
    this._count = count;
    const line = this._body.querySelector('.glove-selection-count');
    if (count > 1) {
      const text = `${count} selected · showing the last one`;
      if (line) {
        line.textContent = text;
      } else {
        const pathRow = this._body.querySelector('.glove-inspector-path');
        pathRow?.before(h('div', 'glove-selection-count', text));
      }
    } else {
      line?.remove();
    }
  }

  /** The inspected node's ancestors, root first, each a button that selects it. */
  private _breadcrumb(path: string): HTMLElement {
    const nav = h('nav', 'glove-breadcrumb');
    nav.setAttribute('aria-label', 'Ancestors');
    // One scan of the path; a deep node shows its top and nearest ancestors and
    // "… N …" between them (a crumb per level of a 10,000-deep path would be
    // 10,000 buttons, each titled with its whole path).
    const starts = path === '' ? [0] : segmentStarts(path);
    const levels = [...starts.keys()]; // level k's path ends where segment k starts
    const shown = levels.length > MAX_CRUMBS
      ? [...levels.slice(0, CRUMBS_TOP), -1, ...levels.slice(levels.length - CRUMBS_NEAR)]
      : levels;
    for (const k of shown) {
      if (k < 0) {
        const hidden = levels.length - CRUMBS_TOP - CRUMBS_NEAR;
        nav.append(h('span', 'glove-crumb-gap', `… ${hidden.toLocaleString('en')} levels …`),
          h('span', 'glove-crumb-sep', '›'));
        continue;
      }
      const stop = path.slice(0, starts[k]);
      const label = k === 0 ? '$' : path.slice(starts[k - 1], starts[k]);
      const crumb = h('button', 'glove-crumb', label);
      crumb.type = 'button';
      crumb.title = `Select ${stop === '' ? '$ (the root)' : stop}`;
      crumb.setAttribute('data-path', stop);
      crumb.addEventListener('click', () => this.onSelect?.(stop));
      nav.append(crumb, h('span', 'glove-crumb-sep', '›'));
    }
    nav.appendChild(h('span', 'glove-crumb-here', path === '' ? '' : lastSegment(path)));
    return nav;
  }

  /** Where the focus goes when the field being edited disappears. */
  focusFallback: (() => HTMLElement) | null = null;

  private _focusFallback(): HTMLElement {
    return this.focusFallback?.() ?? this.el;
  }

  private _fill(body: HTMLDivElement, raw: Partial<IInspector> | null | undefined): void {
    if (!raw || typeof raw !== 'object' || !('path' in raw)) {
      body.appendChild(h('p', 'glove-empty', 'Click a node to inspect it'));
      return;
    }
    const path = asString(raw.path);
    if (this._count > 1) {
      body.appendChild(
        h('div', 'glove-selection-count', `${this._count} selected · showing the last one`)
      );
    }
    const common = asString(raw.common);
    if (common) {
      // What the selected nodes share: "all BatchNorm2d · #normalization".
      body.appendChild(h('div', 'glove-selection-common', common));
    }
    const pathRow = h('div', 'glove-inspector-path');
    pathRow.appendChild(h('code', 'glove-path', path === '' ? '$' : path));
    body.appendChild(pathRow);
    if (path !== '' && path !== '$') {
      body.appendChild(this._breadcrumb(path));
    }

    const type = asString(raw.type);
    if (type) {
      body.appendChild(h('div', 'glove-inspector-type', type));
    }

    const tags = asStringArray(raw.tags);
    const colors: Record<string, unknown> =
      raw.tag_colors && typeof raw.tag_colors === 'object' ? raw.tag_colors : {};
    if (tags.length) {
      const chips = h('div', 'glove-tags');
      for (const tag of tags) {
        const chip = h('span', 'glove-tag', tag);
        chip.setAttribute('data-tag', tag);
        chip.style.setProperty('--glove-tag-hue', String(tagHue(tag, colors[tag])));
        chips.appendChild(chip);
      }
      body.appendChild(chips);
    }

    const editable: Record<string, unknown> =
      raw.editable && typeof raw.editable === 'object' ? raw.editable : {};
    const childPaths: Record<string, unknown> =
      raw.child_paths && typeof raw.child_paths === 'object' ? raw.child_paths : {};
    const args = Array.isArray(raw.args) ? raw.args : [];
    if (args.length) {
      const table = h('table', 'glove-args');
      const tbody = h('tbody');
      for (const pair of args) {
        const [key, value] = Array.isArray(pair) ? pair : [pair, ''];
        const tr = h('tr');
        const th = h('th');
        th.scope = 'row';
        const name = asString(key);
        const childPath = own(childPaths, name) ? asString(childPaths[name]) : null;
        if (childPath !== null) {
          // The row's name selects that child (a leaf too, so leaf rules are offered).
          const select = h('button', 'glove-arg-select', name);
          select.type = 'button';
          select.title = `Select ${childPath}`;
          select.setAttribute('data-path', childPath);
          select.addEventListener('click', () => this.onSelect?.(childPath));
          th.appendChild(select);
        } else {
          th.textContent = name;
        }
        if (own(editable, name)) {
          // Any field: edit it in place; Enter sends a `set` (a Python expression,
          // evaluated in the kernel and checked against the field's type hint).
          const cell = h('td');
          const input = h('input', 'glove-edit');
          input.type = 'text';
          input.name = `edit:${name}`;
          const text = asString(editable[name]);
          input.value = text;
          if (text === '') {
            input.placeholder = asString(value); // no literal: type an expression to replace it
          }
          input.title = 'A Python expression, evaluated in the notebook; Enter sets it';
          input.setAttribute('data-path', path);
          input.setAttribute('data-key', name);
          cell.appendChild(input);
          tr.append(th, cell);
        } else {
          tr.append(th, h('td', undefined, asString(value)));
        }
        tbody.appendChild(tr);
      }
      table.appendChild(tbody);
      body.appendChild(table);
    }

    const doc = asString(raw.doc);
    if (doc) {
      body.appendChild(h('p', 'glove-doc', doc));
    }
  }

  private _body: HTMLDivElement;
  private _count = 0;
}

function own(record: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** The last segment of a KeyPath text (`blocks[1].conv` -> `.conv`). */
export function lastSegment(path: string): string {
  const starts = segmentStarts(path);
  return path.slice(starts[starts.length - 1] ?? 0);
}
