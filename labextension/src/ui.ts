/**
 * The glove_lab widget view, in plain DOM (no framework), written against the
 * small `IGloveHost` interface so that it can run under ipywidgets (see
 * `widget.ts`) or, later, be bundled as an ES module for anywidget.
 *
 * Every string that comes from the kernel is set with `textContent` or
 * `setAttribute`; the only markup inserted is the SVG, which is parsed with
 * DOMParser and sanitized first (see `svg.ts`).
 */

import { nodeTitle, parseSvg, pathFromTitle } from './svg';
import {
  IGloveHost,
  IHistoryEntry,
  IInspector,
  IParamSpec,
  IRuleSpec,
  OutgoingMessage
} from './types';

let nextUid = 0;

/** Create an element with an optional class and text. */
function h<K extends keyof HTMLElementTagNameMap>(
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

function button(className: string, text: string, title: string): HTMLButtonElement {
  const b = h('button', `glove-button ${className}`, text);
  b.type = 'button';
  b.title = title;
  b.setAttribute('aria-label', title);
  return b;
}

function asString(value: unknown, fallback = ''): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value === null || value === undefined) {
    return fallback;
  }
  return String(value);
}

function asStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.map(v => asString(v)) : [];
}

/** A stable hue for a tag name, so a tag always has the same colour. */
/** The hue of the graph's colour for a tag (sent by the server), else a hash of its name. */
function tagHue(tag: string, color?: unknown): number {
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

function isTextField(el: Element): boolean {
  const tag = el.localName;
  if (tag === 'textarea' || tag === 'select') {
    return true;
  }
  if (tag === 'input') {
    const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return (el as HTMLElement).isContentEditable === true;
}

function isButtonLike(el: Element): boolean {
  const tag = el.localName;
  if (tag === 'button' || tag === 'a') {
    return true;
  }
  if (tag === 'input') {
    const type = ((el as HTMLInputElement).type || '').toLowerCase();
    return ['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return false;
}

/** The form fields of one rule, by parameter name. */
interface IFormState {
  rule: IRuleSpec;
  key: string;
  fields: Map<string, HTMLInputElement | HTMLSelectElement>;
}

/**
 * The view. Construct it with a host and an element to fill; call `dispose`
 * when the element goes away.
 */
export class GloveUI {
  readonly root: HTMLDivElement;

  constructor(host: IGloveHost, container: HTMLElement) {
    this._host = host;
    this._uid = ++nextUid;
    this.root = this._build();
    container.appendChild(this.root);

    const listen = (name: string, cb: () => void): void => {
      this._disposers.push(host.on(`change:${name}`, cb));
    };
    listen('svg', () => this._renderGraph());
    listen('selection', () => this._onSelectionChanged());
    listen('inspector', () => this._renderInspector());
    listen('palette', () => this._renderPalette());
    listen('history', () => this._renderHistory());
    listen('can_undo', () => this._renderToolbar());
    listen('can_redo', () => this._renderToolbar());
    listen('error', () => this._renderError());
    listen('status', () => this._renderStatus());
    listen('title', () => this._renderTitle());
    listen('busy', () => this._renderBusy());

    // Capture on window runs before JupyterLab's own capture listener on
    // document, so keys handled here never reach the notebook's shortcuts.
    window.addEventListener('keydown', this._onKeydown, true);

    this._renderTitle();
    this._renderToolbar();
    this._renderStatus();
    this._renderBusy();
    this._renderError();
    this._renderGraph();
    this._renderInspector();
    this._renderPalette();
    this._renderHistory();
  }

  /** Stop listening; remove the DOM. */
  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    window.removeEventListener('keydown', this._onKeydown, true);
    for (const dispose of this._disposers) {
      try {
        dispose();
      } catch {
        // The host may already be gone.
      }
    }
    this._disposers = [];
    this.root.remove();
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /**
   * Show `code` in a box with a Copy button: the fallback for `insert_cell`
   * when no notebook is there to insert a cell into.
   */
  showCode(code: string): void {
    this._codeText.textContent = code;
    this._copyButton.textContent = 'Copy';
    this._codeBox.hidden = false;
  }

  // ---------------------------------------------------------------- build

  private _build(): HTMLDivElement {
    const root = h('div', 'glove-widget');
    root.tabIndex = 0;
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', 'glove_lab tree editor');

    // Header: title + busy, toolbar, status.
    const header = h('div', 'glove-header');
    const titleRow = h('div', 'glove-title-row');
    this._title = h('span', 'glove-title');
    this._busy = h('span', 'glove-busy');
    this._busy.setAttribute('aria-live', 'polite');
    this._busy.appendChild(h('span', 'glove-spinner'));
    this._busy.appendChild(h('span', 'glove-busy-text', 'working…'));
    titleRow.append(this._title, this._busy);

    const toolbar = h('div', 'glove-toolbar');
    toolbar.setAttribute('role', 'toolbar');
    this._undoButton = button('glove-undo', 'Undo', 'Undo (Ctrl+Z)');
    this._redoButton = button('glove-redo', 'Redo', 'Redo (Ctrl+Shift+Z)');
    this._exportButton = button('glove-export', 'Export', 'Export the session as code (E)');
    this._zoomButton = button('glove-zoom', 'Actual size', 'Toggle fit-to-width / actual size');
    this._undoButton.addEventListener('click', () => this._send({ event: 'undo' }));
    this._redoButton.addEventListener('click', () => this._send({ event: 'redo' }));
    this._exportButton.addEventListener('click', () => this._send({ event: 'export' }));
    this._zoomButton.addEventListener('click', () => this._toggleZoom());
    toolbar.append(this._undoButton, this._redoButton, this._exportButton, this._zoomButton);

    this._status = h('div', 'glove-status');
    this._status.setAttribute('role', 'status');
    this._status.setAttribute('aria-live', 'polite');
    header.append(titleRow, toolbar, this._status);

    // Error box.
    this._error = h('div', 'glove-error');
    this._error.setAttribute('role', 'alert');
    this._errorText = h('span', 'glove-error-text');
    const dismiss = button('glove-error-dismiss', '×', 'Dismiss the error');
    dismiss.addEventListener('click', () => {
      this._error.hidden = true;
      this._send({ event: 'dismiss_error' });
    });
    this._error.append(this._errorText, dismiss);

    // Fallback box for code that could not be inserted as a cell.
    this._codeBox = h('div', 'glove-code-fallback');
    this._codeBox.hidden = true;
    const codeHeader = h('div', 'glove-code-header');
    codeHeader.appendChild(h('span', 'glove-code-label', 'Exported code (paste it into a cell):'));
    this._copyButton = button('glove-copy', 'Copy', 'Copy the code to the clipboard');
    this._copyButton.addEventListener('click', () => void this._copyCode());
    const closeCode = button('glove-code-close', '×', 'Close');
    closeCode.addEventListener('click', () => {
      this._codeBox.hidden = true;
    });
    codeHeader.append(this._copyButton, closeCode);
    this._codeText = h('pre', 'glove-code');
    this._codeBox.append(codeHeader, this._codeText);

    // Body: graph | side column.
    const body = h('div', 'glove-body');
    this._graph = h('div', 'glove-graph glove-zoom-fit');
    this._graph.setAttribute('data-render-id', '0');
    this._graphMessage = h('div', 'glove-graph-message', 'No graph yet.');
    this._graph.appendChild(this._graphMessage);
    this._graph.addEventListener('click', this._onGraphClick);
    this._graph.addEventListener('mousedown', this._onGraphMouseDown);

    const side = h('div', 'glove-side');

    const inspectorSection = h('section', 'glove-section glove-inspector');
    inspectorSection.appendChild(h('h3', 'glove-section-title', 'Inspector'));
    this._inspectorBody = h('div', 'glove-inspector-body');
    inspectorSection.appendChild(this._inspectorBody);

    const paletteSection = h('section', 'glove-section glove-palette-section');
    const paletteTitle = h('h3', 'glove-section-title', 'Rules');
    this._paletteCount = h('span', 'glove-count');
    paletteTitle.appendChild(this._paletteCount);
    this._palette = h('ul', 'glove-palette');
    this._palette.setAttribute('role', 'listbox');
    this._palette.setAttribute('aria-label', 'Rules');
    this._palette.addEventListener('click', this._onPaletteClick);
    this._formHost = h('div', 'glove-form-host');
    paletteSection.append(paletteTitle, this._palette, this._formHost);

    const historySection = h('section', 'glove-section glove-history-section');
    historySection.appendChild(h('h3', 'glove-section-title', 'History'));
    this._history = h('ol', 'glove-history');
    this._historyEmpty = h('p', 'glove-empty', 'No steps yet.');
    historySection.append(this._history, this._historyEmpty);

    side.append(inspectorSection, paletteSection, historySection);
    body.append(this._graph, side);

    root.append(header, this._error, this._codeBox, body);
    return root;
  }

  // -------------------------------------------------------------- helpers

  private _send(message: OutgoingMessage): void {
    if (!this._disposed) {
      this._host.send(message);
    }
  }

  private _selection(): string[] {
    return asStringArray(this._host.get('selection'));
  }

  private _setSelection(paths: string[]): void {
    const current = this._selection();
    if (current.length === paths.length && current.every((p, i) => p === paths[i])) {
      return;
    }
    this._host.set('selection', paths);
    this._host.saveChanges();
    // Immediate feedback; the change event does the same if it fires.
    this._onSelectionChanged();
  }

  private _focusRoot(): void {
    try {
      this.root.focus({ preventScroll: true });
    } catch {
      this.root.focus();
    }
  }

  // ---------------------------------------------------------------- graph

  private _renderGraph(): void {
    const text = asString(this._host.get('svg'));
    if (this._svg) {
      this._svg.remove();
      this._svg = null;
    }
    this._nodes = new Map();
    if (!text.trim()) {
      this._graphMessage.textContent = 'No graph yet.';
      this._graphMessage.hidden = false;
    } else {
      const svg = parseSvg(text, document);
      if (!svg) {
        this._graphMessage.textContent = 'The graph could not be displayed (invalid SVG).';
        this._graphMessage.hidden = false;
      } else {
        this._graphMessage.hidden = true;
        this._naturalWidth = svg.getAttribute('width');
        this._naturalHeight = svg.getAttribute('height');
        svg.classList.add('glove-svg');
        svg.setAttribute('focusable', 'false');
        for (const g of Array.from(svg.querySelectorAll('g.node'))) {
          const title = nodeTitle(g);
          if (title === null) {
            continue;
          }
          const path = pathFromTitle(title);
          g.setAttribute('data-glove-path', path);
          const list = this._nodes.get(path);
          if (list) {
            list.push(g);
          } else {
            this._nodes.set(path, [g]);
          }
        }
        this._svg = svg;
        this._applyZoom();
        this._graph.appendChild(svg);
        this._applySelectionClasses();
      }
    }
    this._renderId += 1;
    this._graph.setAttribute('data-render-id', String(this._renderId));
  }

  private _applyZoom(): void {
    const svg = this._svg;
    this._graph.classList.toggle('glove-zoom-fit', this._fit);
    this._graph.classList.toggle('glove-zoom-actual', !this._fit);
    this._zoomButton.textContent = this._fit ? 'Actual size' : 'Fit width';
    this._zoomButton.setAttribute('aria-pressed', String(!this._fit));
    if (!svg) {
      return;
    }
    // The width/height attributes (in pt) give the natural size; CSS scales
    // the SVG down to the container's width in "fit" mode.
    if (this._naturalWidth) {
      svg.style.width = this._naturalWidth;
    }
    if (this._fit) {
      svg.style.maxWidth = '100%';
      svg.style.height = 'auto';
    } else {
      svg.style.maxWidth = 'none';
      svg.style.height = this._naturalHeight ?? 'auto';
    }
  }

  private _toggleZoom(): void {
    this._fit = !this._fit;
    this._applyZoom();
  }

  private _applySelectionClasses(): void {
    if (!this._svg) {
      return;
    }
    for (const g of Array.from(this._svg.querySelectorAll('g.node.glove-selected'))) {
      g.classList.remove('glove-selected');
    }
    for (const path of this._selection()) {
      for (const g of this._nodes.get(path) ?? []) {
        g.classList.add('glove-selected');
      }
    }
  }

  private _onSelectionChanged(): void {
    this._applySelectionClasses();
    this._updateApplyButtons();
  }

  private _onGraphMouseDown = (event: MouseEvent): void => {
    // A shift-click inside a notebook output would otherwise extend the
    // notebook's cell selection and select text in the SVG.
    if (event.button === 0 && (event.shiftKey || event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  private _onGraphClick = (event: MouseEvent): void => {
    if (event.button !== 0) {
      return;
    }
    const target = event.target as Element | null;
    const g = target && typeof target.closest === 'function' ? target.closest('g.node') : null;
    if (g && this._svg && this._svg.contains(g) && g.hasAttribute('data-glove-path')) {
      const path = g.getAttribute('data-glove-path') ?? '';
      if (g.classList.contains('glove-collapsed')) {
        this._send({ event: 'expand', path });
      } else if (event.shiftKey || event.metaKey || event.ctrlKey) {
        const selection = this._selection();
        const at = selection.indexOf(path);
        if (at >= 0) {
          selection.splice(at, 1);
        } else {
          selection.push(path);
        }
        this._setSelection(selection);
      } else {
        this._setSelection([path]);
      }
    } else {
      this._setSelection([]);
    }
    this._focusRoot();
  };

  // ------------------------------------------------------------ inspector

  private _renderInspector(): void {
    const body = this._inspectorBody;
    body.replaceChildren();
    const raw = this._host.get('inspector') as Partial<IInspector> | null | undefined;
    if (!raw || typeof raw !== 'object' || !('path' in raw)) {
      body.appendChild(h('p', 'glove-empty', 'Click a node to inspect it'));
      return;
    }
    const path = asString(raw.path);
    const pathRow = h('div', 'glove-inspector-path');
    pathRow.appendChild(h('code', 'glove-path', path === '' ? '$' : path));
    body.appendChild(pathRow);

    const type = asString(raw.type);
    if (type) {
      body.appendChild(h('div', 'glove-inspector-type', type));
    }

    const tags = asStringArray(raw.tags);
    if (tags.length) {
      const chips = h('div', 'glove-tags');
      for (const tag of tags) {
        const chip = h('span', 'glove-tag', tag);
        chip.setAttribute('data-tag', tag);
        const colors =
          raw.tag_colors && typeof raw.tag_colors === 'object' ? raw.tag_colors : {};
        chip.style.setProperty(
          '--glove-tag-hue',
          String(tagHue(tag, (colors as Record<string, unknown>)[tag]))
        );
        chips.appendChild(chip);
      }
      body.appendChild(chips);
    }

    const args = Array.isArray(raw.args) ? raw.args : [];
    if (args.length) {
      const table = h('table', 'glove-args');
      const tbody = h('tbody');
      for (const pair of args) {
        const [key, value] = Array.isArray(pair) ? pair : [pair, ''];
        const tr = h('tr');
        const th = h('th', undefined, asString(key));
        th.scope = 'row';
        const editable =
          raw.editable && typeof raw.editable === 'object' ? raw.editable : {};
        const name = asString(key);
        if (Object.prototype.hasOwnProperty.call(editable, name)) {
          // A hyperparameter: edit it in place; Enter sends a glove.rebind step.
          const cell = h('td');
          const input = h('input', 'glove-edit') as HTMLInputElement;
          input.type = 'text';
          input.name = `edit:${name}`;
          input.value = asString((editable as Record<string, unknown>)[name]);
          input.title = 'Edit and press Enter (a Python literal)';
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

  // -------------------------------------------------------------- palette

  private _rules(): IRuleSpec[] {
    const raw = this._host.get('palette');
    if (!Array.isArray(raw)) {
      return [];
    }
    return raw
      .filter(r => r && typeof r === 'object' && typeof (r as IRuleSpec).name === 'string')
      .map(r => {
        const rule = r as IRuleSpec;
        return {
          name: rule.name,
          doc: asString(rule.doc),
          params: Array.isArray(rule.params) ? rule.params.filter(p => p && p.name) : []
        };
      });
  }

  private _renderPalette(): void {
    const rules = this._rules();
    this._paletteCount.textContent = ` (${rules.length})`;
    if (this._selectedRule !== null && !rules.some(r => r.name === this._selectedRule)) {
      this._selectedRule = null;
    }
    this._palette.replaceChildren();
    if (!rules.length) {
      const empty = h('li', 'glove-empty', 'No rules match the selection.');
      empty.setAttribute('role', 'presentation');
      this._palette.appendChild(empty);
    }
    for (const rule of rules) {
      const li = h('li', 'glove-rule');
      li.setAttribute('data-rule', rule.name);
      li.setAttribute('role', 'option');
      li.title = rule.doc || rule.name;
      const selected = rule.name === this._selectedRule;
      li.classList.toggle('glove-rule-selected', selected);
      li.setAttribute('aria-selected', String(selected));
      li.appendChild(h('span', 'glove-rule-name', rule.name));
      if (rule.doc) {
        li.appendChild(h('span', 'glove-rule-doc', rule.doc.split('\n')[0]));
      }
      this._palette.appendChild(li);
    }
    this._renderForm();
  }

  private _onPaletteClick = (event: MouseEvent): void => {
    const target = event.target as Element | null;
    const li = target?.closest('li.glove-rule');
    if (!li || !this._palette.contains(li)) {
      return;
    }
    this._selectRule(li.getAttribute('data-rule'));
    this._focusRoot();
  };

  private _selectRule(name: string | null): void {
    this._selectedRule = name;
    for (const li of Array.from(this._palette.querySelectorAll('li.glove-rule'))) {
      const selected = li.getAttribute('data-rule') === name;
      li.classList.toggle('glove-rule-selected', selected);
      li.setAttribute('aria-selected', String(selected));
      if (selected) {
        (li as HTMLElement).scrollIntoView?.({ block: 'nearest' });
      }
    }
    this._renderForm();
  }

  private _moveRuleSelection(delta: number): void {
    const rules = this._rules();
    if (!rules.length) {
      return;
    }
    const at = rules.findIndex(r => r.name === this._selectedRule);
    const next = at < 0 ? (delta > 0 ? 0 : rules.length - 1) : Math.min(rules.length - 1, Math.max(0, at + delta));
    this._selectRule(rules[next].name);
  }

  private _renderForm(): void {
    const rule = this._rules().find(r => r.name === this._selectedRule) ?? null;
    if (!rule) {
      this._form = null;
      this._formHost.replaceChildren();
      return;
    }
    const key = JSON.stringify(rule);
    if (this._form && this._form.key === key && this._formHost.firstChild) {
      // Same rule, same parameters: keep the form (and what was typed in it).
      this._updateApplyButtons();
      return;
    }
    const saved = this._savedValues.get(rule.name);
    const form = h('form', 'glove-form');
    form.noValidate = true;
    form.setAttribute('data-rule', rule.name);
    // Shortcuts never fire from inside the form (Lumino honours this).
    form.setAttribute('data-lm-suppress-shortcuts', 'true');
    form.addEventListener('submit', event => {
      event.preventDefault();
      this._applySelected('selection');
    });

    form.appendChild(h('div', 'glove-form-title', rule.name));
    if (rule.doc) {
      form.appendChild(h('p', 'glove-form-doc', rule.doc));
    }

    const fields = new Map<string, HTMLInputElement | HTMLSelectElement>();
    for (const param of rule.params) {
      const field = this._buildField(param, saved?.get(param.name));
      fields.set(param.name, field.control);
      form.appendChild(field.row);
    }

    this._formMessage = h('div', 'glove-form-message');
    this._formMessage.setAttribute('role', 'alert');
    this._formMessage.hidden = true;
    form.appendChild(this._formMessage);

    const actions = h('div', 'glove-form-actions');
    this._applySelectionButton = button(
      'glove-apply-selection glove-primary',
      'Apply to selection',
      'Apply the rule to the selected nodes (Enter)'
    );
    const applyEverywhereButton = button(
      'glove-apply-everywhere',
      'Apply everywhere',
      'Apply the rule wherever it matches'
    );
    this._applySelectionButton.addEventListener('click', () => this._applySelected('selection'));
    applyEverywhereButton.addEventListener('click', () => this._applySelected('everywhere'));
    actions.append(this._applySelectionButton, applyEverywhereButton);
    form.appendChild(actions);

    form.addEventListener('input', () => this._saveFormValues());
    form.addEventListener('change', () => this._saveFormValues());

    this._form = { rule, key, fields };
    this._formHost.replaceChildren(form);
    this._updateApplyButtons();
  }

  private _buildField(
    param: IParamSpec,
    saved: string | boolean | undefined
  ): { row: HTMLElement; control: HTMLInputElement | HTMLSelectElement } {
    const id = `glove-${this._uid}-field-${++this._fieldCounter}`;
    const row = h('div', `glove-field glove-field-${param.kind}`);
    const label = h('label', 'glove-field-label', param.name);
    label.htmlFor = id;
    if (param.required) {
      label.appendChild(h('span', 'glove-required', ' *'));
    }
    const def = param.default;
    let control: HTMLInputElement | HTMLSelectElement;
    switch (param.kind) {
      case 'int':
      case 'float': {
        const input = h('input', 'glove-input');
        input.type = 'number';
        input.step = param.kind === 'int' ? '1' : 'any';
        if (typeof saved === 'string') {
          input.value = saved;
        } else if (typeof def === 'number' && Number.isFinite(def)) {
          input.value = String(def);
        }
        control = input;
        break;
      }
      case 'bool': {
        const input = h('input', 'glove-checkbox');
        input.type = 'checkbox';
        input.checked = typeof saved === 'boolean' ? saved : def === true;
        control = input;
        break;
      }
      case 'choice': {
        const select = h('select', 'glove-select');
        const choices = asStringArray(param.choices);
        const defText = def === null || def === undefined ? '' : asString(def);
        if (!param.required || defText === '' || !choices.includes(defText)) {
          const blank = h('option', undefined, '—');
          blank.value = '';
          select.appendChild(blank);
        }
        for (const choice of choices) {
          const option = h('option', undefined, choice);
          option.value = choice;
          select.appendChild(option);
        }
        const wanted = typeof saved === 'string' ? saved : defText;
        select.value = choices.includes(wanted) ? wanted : '';
        control = select;
        break;
      }
      default: {
        const input = h('input', 'glove-input');
        input.type = 'text';
        input.spellcheck = false;
        if (typeof saved === 'string') {
          input.value = saved;
        } else if (def !== null && def !== undefined) {
          input.value = asString(def);
        }
        control = input;
      }
    }
    control.name = param.name;
    control.id = id;
    control.required = param.required === true;
    control.setAttribute('data-kind', param.kind);
    if (param.kind === 'bool') {
      row.append(control, label);
    } else {
      row.append(label, control);
    }
    return { row, control };
  }

  private _saveFormValues(): void {
    if (!this._form) {
      return;
    }
    const values = new Map<string, string | boolean>();
    for (const [name, control] of this._form.fields) {
      values.set(
        name,
        control instanceof HTMLInputElement && control.type === 'checkbox' ? control.checked : control.value
      );
    }
    this._savedValues.set(this._form.rule.name, values);
    if (this._formMessage) {
      this._formMessage.hidden = true;
    }
  }

  /** Read the form into typed parameters, or return an error message. */
  private _collectParams(): { params: Record<string, number | boolean | string> } | { error: string } {
    const form = this._form;
    if (!form) {
      return { error: 'Choose a rule first.' };
    }
    const params: Record<string, number | boolean | string> = {};
    for (const param of form.rule.params) {
      const control = form.fields.get(param.name);
      if (!control) {
        continue;
      }
      switch (param.kind) {
        case 'int':
        case 'float': {
          const raw = control.value.trim();
          if (raw === '') {
            if (param.required) {
              return { error: `${param.name} is required.` };
            }
            break;
          }
          const value = Number(raw);
          if (!Number.isFinite(value)) {
            return { error: `${param.name} must be a number.` };
          }
          if (param.kind === 'int' && !Number.isInteger(value)) {
            return { error: `${param.name} must be an integer.` };
          }
          params[param.name] = value;
          break;
        }
        case 'bool':
          params[param.name] = (control as HTMLInputElement).checked;
          break;
        case 'choice': {
          const value = control.value;
          if (value === '') {
            if (param.required) {
              return { error: `${param.name} is required.` };
            }
            break;
          }
          params[param.name] = value;
          break;
        }
        default: {
          const value = control.value;
          if (value === '' && param.required) {
            return { error: `${param.name} is required.` };
          }
          params[param.name] = value;
        }
      }
    }
    return { params };
  }

  private _applySelected(scope: 'selection' | 'everywhere'): void {
    const form = this._form;
    if (!form) {
      return;
    }
    if (scope === 'selection' && this._selection().length === 0) {
      this._showFormMessage('Select one or more nodes first, or use “Apply everywhere”.');
      return;
    }
    const result = this._collectParams();
    if ('error' in result) {
      this._showFormMessage(result.error);
      return;
    }
    if (this._formMessage) {
      this._formMessage.hidden = true;
    }
    this._send({ event: 'apply', rule: form.rule.name, params: result.params, scope });
  }

  private _showFormMessage(text: string): void {
    if (this._formMessage) {
      this._formMessage.textContent = text;
      this._formMessage.hidden = false;
    }
  }

  private _updateApplyButtons(): void {
    if (this._applySelectionButton) {
      this._applySelectionButton.disabled = this._selection().length === 0;
    }
  }

  // -------------------------------------------------------------- history

  private _renderHistory(): void {
    const raw = this._host.get('history');
    const entries = (Array.isArray(raw) ? raw : []) as Partial<IHistoryEntry>[];
    this._history.replaceChildren();
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
      const tip = [asString(entry.rule), params && `(${params})`, where, summary]
        .filter(Boolean)
        .join(' ');
      li.title = entry.undone ? `${tip} (undone)` : tip;
      this._history.appendChild(li);
    }
    this._historyEmpty.hidden = this._history.childElementCount > 0;
    this._history.scrollTop = this._history.scrollHeight;
  }

  // ------------------------------------------------- header, error, status

  private _renderToolbar(): void {
    this._undoButton.disabled = this._host.get('can_undo') !== true;
    this._redoButton.disabled = this._host.get('can_redo') !== true;
  }

  private _renderTitle(): void {
    this._title.textContent = asString(this._host.get('title')) || 'glove_lab';
  }

  private _renderStatus(): void {
    this._status.textContent = asString(this._host.get('status'));
  }

  private _renderBusy(): void {
    const busy = this._host.get('busy') === true;
    this._busy.hidden = !busy;
    this.root.classList.toggle('glove-is-busy', busy);
    this.root.setAttribute('aria-busy', String(busy));
  }

  private _renderError(): void {
    const text = asString(this._host.get('error'));
    this._errorText.textContent = text;
    this._error.hidden = text === '';
  }

  private async _copyCode(): Promise<void> {
    const code = this._codeText.textContent ?? '';
    try {
      await navigator.clipboard.writeText(code);
      this._copyButton.textContent = 'Copied';
      return;
    } catch {
      // Clipboard API unavailable (insecure context): select and copy.
    }
    const range = document.createRange();
    range.selectNodeContents(this._codeText);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
    this._copyButton.textContent = copied ? 'Copied' : 'Press Ctrl+C';
  }

  // ------------------------------------------------------------- keyboard

  private _onKeydown = (event: KeyboardEvent): void => {
    const target = event.target;
    if (this._disposed || !(target instanceof Element) || !this.root.contains(target)) {
      return;
    }
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key;
    const lower = key.length === 1 ? key.toLowerCase() : key;

    if (isTextField(target)) {
      // Typing in the form must never trigger notebook shortcuts.
      event.stopPropagation();
      if (key === 'Enter' && target.classList.contains('glove-edit') && !event.isComposing) {
        event.preventDefault();
        const input = target as HTMLInputElement;
        this._send({
          event: 'set',
          path: input.getAttribute('data-path') ?? '',
          key: input.getAttribute('data-key') ?? '',
          value: input.value
        });
      } else if (
        key === 'Enter' &&
        target.localName === 'input' &&
        !mod &&
        !event.shiftKey &&
        !event.altKey &&
        !event.isComposing
      ) {
        event.preventDefault();
        this._applySelected('selection');
      } else if (key === 'Escape') {
        event.preventDefault();
        this._focusRoot();
      }
      return;
    }

    const onRoot = target === this.root || !isButtonLike(target);
    let handled = true;
    if (mod && !event.altKey && lower === 'z') {
      this._send({ event: event.shiftKey ? 'redo' : 'undo' });
    } else if (mod && !event.altKey && !event.shiftKey && lower === 'y') {
      this._send({ event: 'redo' });
    } else if (mod && !event.altKey && !event.shiftKey && lower === 'e') {
      this._send({ event: 'export' });
    } else if (!mod && !event.altKey && !event.shiftKey && key === 'e') {
      this._send({ event: 'export' });
    } else if (key === 'Escape' && !mod && !event.altKey) {
      this._setSelection([]);
    } else if (key === 'Enter' && onRoot && !mod && !event.shiftKey && !event.altKey) {
      this._applySelected('selection');
    } else if ((key === 'ArrowDown' || key === 'ArrowUp') && onRoot && !mod && !event.altKey) {
      this._moveRuleSelection(key === 'ArrowDown' ? 1 : -1);
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    } else if (target !== this.root) {
      // Enter/Space on our buttons etc. keep their default action, without
      // also running notebook shortcuts.
      event.stopPropagation();
    }
  };

  // ---------------------------------------------------------------- state

  private _host: IGloveHost;
  private _uid: number;
  private _disposed = false;
  private _disposers: Array<() => void> = [];

  private _title!: HTMLSpanElement;
  private _busy!: HTMLSpanElement;
  private _status!: HTMLDivElement;
  private _undoButton!: HTMLButtonElement;
  private _redoButton!: HTMLButtonElement;
  private _exportButton!: HTMLButtonElement;
  private _zoomButton!: HTMLButtonElement;
  private _error!: HTMLDivElement;
  private _errorText!: HTMLSpanElement;
  private _codeBox!: HTMLDivElement;
  private _codeText!: HTMLPreElement;
  private _copyButton!: HTMLButtonElement;

  private _graph!: HTMLDivElement;
  private _graphMessage!: HTMLDivElement;
  private _svg: SVGSVGElement | null = null;
  private _nodes = new Map<string, Element[]>();
  private _renderId = 0;
  private _fit = true;
  private _naturalWidth: string | null = null;
  private _naturalHeight: string | null = null;

  private _inspectorBody!: HTMLDivElement;

  private _palette!: HTMLUListElement;
  private _paletteCount!: HTMLSpanElement;
  private _formHost!: HTMLDivElement;
  private _selectedRule: string | null = null;
  private _form: IFormState | null = null;
  private _formMessage: HTMLDivElement | null = null;
  private _fieldCounter = 0;
  private _savedValues = new Map<string, Map<string, string | boolean>>();
  private _applySelectionButton: HTMLButtonElement | null = null;

  private _history!: HTMLOListElement;
  private _historyEmpty!: HTMLParagraphElement;
}
