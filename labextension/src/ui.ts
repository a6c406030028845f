/**
 * The glove_lab widget view, in plain DOM (no framework): a thin coordinator
 * over its parts (graph.ts, inspector.ts, palette.ts + form.ts, history.ts,
 * keyboard.ts), written against the typed `IGloveHost` so that it can run
 * under ipywidgets (widget.ts) or be bundled as an ES module for anywidget
 * (esm.ts).
 *
 * Every string that comes from the kernel is set with `textContent` or
 * `setAttribute`; the only markup inserted is the SVG, which is parsed with
 * DOMParser and sanitized against an allow-list first (svg.ts).
 */

import { DepthControls } from './depth';
import { asString, asStringArray, button, focusQuietly, h, timed } from './dom';
import { GraphView } from './graph';
import { HistoryView } from './history';
import { InspectorView } from './inspector';
import { lostMessage } from './kernel';
import { classifyTarget, forwardsToJupyter, KeyAction, keyAction } from './keyboard';
import { PaletteView, readPreview } from './palette';
import { SearchView } from './search';
import { staticSvg } from './svg';
import { IGloveHost, IViewState, FrontEndMessage } from './types';

/** A step shows the busy spinner (and greys the graph) only once it has run this long. */
export const BUSY_SHOWN_AFTER_MS = 250;

/**
 * The view. Construct it with a host and an element to fill; call `dispose`
 * when the element goes away.
 */
export class GloveUI {
  readonly root: HTMLDivElement;

  constructor(host: IGloveHost, container: HTMLElement) {
    this._host = host;
    const focus = (): void => focusQuietly(this.root);
    const selection = (): string[] => this._selection();
    this._graph = new GraphView({
      selection,
      select: paths => this._setSelection(paths),
      expand: path => this._send({ event: 'expand', path }),
      collapse: path => this._send({ event: 'collapse', path }),
      focus
    });
    this._depth = new DepthControls(
      message => {
        if (message.event !== 'collapse' && !this.isLost) {
          this._graph.revealRootOnNextRender();
        }
        this._send(message);
      },
      () => this._selection().slice(-1)[0] ?? null
    );
    this._inspector = new InspectorView();
    this._inspector.focusFallback = () => this.root;
    this._inspector.onSelect = path => this._setSelection([path]);
    this._palette = new PaletteView({
      selection,
      apply: (rule, params, scope, strict) =>
        this._send({ event: 'apply', rule, params, scope, strict }),
      preview: (rule, params, scope) => {
        if (this._lost === null) {
          // (a hover with the kernel gone asks nothing and says nothing)
          this._send({ event: 'preview', rule, params, scope });
        }
      },
      strict: () => this._host.get('strict') !== false,
      setStrict: strict => {
        this._host.set('strict', strict);
        this._host.saveChanges();
      },
      focus
    });
    this._history = new HistoryView();
    this._search = new SearchView({
      search: query => this._send({ event: 'search', query }),
      select: paths => {
        // Jump to the (first) match at a readable zoom, once the kernel has drawn it.
        const changed = this._setSelection(paths);
        if (paths.length) {
          this._graph.reveal(paths[0], changed);
        }
      }
    });
    this.root = this._build();
    container.appendChild(this.root);

    this._listen('svg', () => {
      timed('graph', () => this._graph.render(asString(host.get('svg'))));
      this._palette.forgetPreviews();
    });
    this._listen('selection', () => this._onSelectionChanged());
    this._listen('inspector', () =>
      timed('inspector', () => {
        this._inspector.setSelectionCount(this._selection().length);
        this._inspector.render(host.get('inspector'));
      })
    );
    this._listen('palette', () => timed('palette', () => this._palette.render(host.get('palette'))));
    this._listen('history', () => timed('history', () => this._history.render(host.get('history'))));
    this._listen('matches', () => this._search.render(host.get('matches')));
    this._listen('can_undo', () => this._renderToolbar());
    this._listen('can_redo', () => this._renderToolbar());
    this._listen('error', () => this._renderError());
    this._listen('status', () => this._renderStatus());
    this._listen('title', () => this._renderTitle());
    this._listen('busy', () => this._renderBusy());
    this._listen('depth', () => this._renderDepth());
    this._listen('all_expanded', () => this._renderDepth());
    this._listen('graph_note', () => this._renderNote());
    if (host.onLost) {
      this._disposers.push(host.onLost(reason => this.setLost(reason)));
    }
    this._listen('preview', () => this._renderPreview());
    this._listen('strict', () => {
      this._palette.updateApplyButtons();
      this._palette.refreshPreview(true);
    });

    // Capture on window runs before JupyterLab's own capture listener on
    // document, so keys handled here never reach the notebook's shortcuts.
    window.addEventListener('keydown', this._onKeydown, true);

    this._renderTitle();
    this._renderToolbar();
    this._renderStatus();
    this._renderBusy();
    this._renderError();
    this._renderDepth();
    this._renderNote();
    this._depth.setCanCollapse(this._selection().length > 0);
    this._graph.render(asString(host.get('svg')));
    this._inspector.setSelectionCount(this._selection().length);
    this._inspector.render(host.get('inspector'));
    this._palette.render(host.get('palette'));
    this._history.render(host.get('history'));
    this._search.render(host.get('matches'));
    this._renderPreview();
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
   * The kernel is gone: grey the view out and say so. Clicks that would
   * change the model say it again instead of being ignored; zoom, pan and
   * Save SVG keep working on the last picture.
   */
  setLost(reason: string): void {
    if (this._disposed) {
      return;
    }
    this._lost = reason;
    this._lostText.textContent = lostMessage(reason);
    this._lostBox.hidden = false;
    this.root.classList.add('glove-lost');
    this.root.setAttribute('data-kernel', 'lost');
    this._busy.hidden = true;
  }

  /** Whether the kernel behind the view is gone. */
  get isLost(): boolean {
    return this._lost !== null;
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
    // Lumino (JupyterLab's shortcuts) ignores key presses from inside this element.
    root.setAttribute('data-lm-suppress-shortcuts', 'true');
    root.setAttribute('aria-label', 'glove_lab tree editor');

    // Said when the kernel is gone (see setLost).
    this._lostBox = h('div', 'glove-lost-banner');
    this._lostBox.setAttribute('role', 'alert');
    this._lostBox.hidden = true;
    this._lostText = h('span', 'glove-lost-text');
    this._lostBox.appendChild(this._lostText);

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
    const exportButton = button('glove-export', 'Export', 'Export the session as code (Ctrl+E)');
    this._undoButton.addEventListener('click', () => this._send({ event: 'undo' }));
    this._redoButton.addEventListener('click', () => this._send({ event: 'redo' }));
    exportButton.addEventListener('click', () => this._send({ event: 'export' }));
    const saveButton = button('glove-save-svg', 'Save SVG', 'Save the graph as an SVG file');
    saveButton.addEventListener('click', () => this._saveSvg());
    toolbar.append(
      this._undoButton,
      this._redoButton,
      exportButton,
      this._graph.zoomControls,
      this._depth.el,
      saveButton
    );

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
    const side = h('div', 'glove-side');
    side.append(this._inspector.el, this._palette.el, this._history.el);
    body.append(this._graph.el, side);
    // How much of the tree the graph shows ("Showing 866 of 12,002 nodes; ...").
    this._note = h('div', 'glove-graph-note');
    this._note.setAttribute('aria-live', 'polite');

    root.append(
      this._lostBox,
      header,
      this._search.el,
      this._error,
      this._codeBox,
      this._note,
      body
    );
    return root;
  }

  // -------------------------------------------------------------- helpers

  private _listen(name: keyof IViewState & string, callback: () => void): void {
    this._disposers.push(this._host.on(`change:${name}`, callback));
  }

  private _send(message: FrontEndMessage): void {
    if (this._disposed) {
      return;
    }
    if (this._lost !== null) {
      this._sayLost();
      return;
    }
    this._host.send(message);
  }

  /** A click that would change the model, with the kernel gone: say so again. */
  private _sayLost(): void {
    this._lostBox.classList.remove('glove-flash');
    void this._lostBox.offsetWidth; // restart the animation
    this._lostBox.classList.add('glove-flash');
  }

  private _selection(): string[] {
    return asStringArray(this._host.get('selection'));
  }

  /** Select `paths`; false if they already were the selection. */
  private _setSelection(paths: string[]): boolean {
    const current = this._selection();
    if (current.length === paths.length && current.every((p, i) => p === paths[i])) {
      return false;
    }
    if (this._lost !== null) {
      this._sayLost();
      return false;
    }
    this._host.set('selection', paths);
    this._host.saveChanges();
    // Immediate feedback; the change event does the same if it fires.
    this._onSelectionChanged();
    return true;
  }

  /** The kernel's preview of a rule: text in the palette, dashed outlines in the graph. */
  private _renderPreview(): void {
    const raw = this._host.get('preview');
    this._palette.showPreview(raw);
    const preview = readPreview(raw);
    this._graph.markPreview(preview ? preview.nodes : []);
  }

  private _onSelectionChanged(): void {
    this._inspector.setSelectionCount(this._selection().length);
    this._graph.markSelection(this._selection());
    this._palette.updateApplyButtons();
    this._depth.setCanCollapse(this._selection().length > 0);
    this._palette.refreshPreview();
  }

  // ------------------------------------------------- header, error, status

  private _renderToolbar(): void {
    this._undoButton.disabled = this._host.get('can_undo') !== true;
    this._redoButton.disabled = this._host.get('can_redo') !== true;
  }

  private _renderDepth(): void {
    this._depth.render(this._host.get('depth'), this._host.get('all_expanded'));
  }

  private _renderNote(): void {
    const text = asString(this._host.get('graph_note'));
    this._note.textContent = text;
    this._note.hidden = text === '';
  }

  private _renderTitle(): void {
    this._title.textContent = asString(this._host.get('title')) || 'glove_lab';
  }

  private _renderStatus(): void {
    this._status.textContent = asString(this._host.get('status'));
  }

  private _renderBusy(): void {
    const busy = this._host.get('busy') === true;
    this.root.setAttribute('aria-busy', String(busy));
    // Shown only for work that lasts: greying the graph repaints all of it, twice,
    // which for a quick step cost more than the step (and the kernel's CPU).
    if (this._busyTimer !== null) {
      window.clearTimeout(this._busyTimer);
      this._busyTimer = null;
    }
    if (busy) {
      this._busyTimer = window.setTimeout(() => {
        this._busyTimer = null;
        this._showBusy(true);
      }, BUSY_SHOWN_AFTER_MS);
    } else {
      this._showBusy(false);
    }
  }

  private _showBusy(busy: boolean): void {
    this._busy.hidden = !busy;
    this.root.classList.toggle('glove-is-busy', busy);
  }

  private _renderError(): void {
    const text = asString(this._host.get('error'));
    this._errorText.textContent = text;
    this._error.hidden = text === '';
  }

  /** Download the current graph (sanitized) as `<title>.svg`. */
  private _saveSvg(): void {
    const text = staticSvg(asString(this._host.get('svg')));
    if (text === null) {
      return;
    }
    const name = (asString(this._host.get('title')) || 'glove_lab')
      .replace(/^glove_lab · /, '')
      .replace(/[^\w.-]+/g, '_');
    const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    const link = h('a');
    link.href = url;
    link.download = `${name || 'graph'}.svg`;
    this.root.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
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
    const where = classifyTarget(target, this.root);
    const action = keyAction(event, where);
    if (action !== null) {
      event.preventDefault();
      this._run(action, target);
    } else if (forwardsToJupyter(event, where)) {
      this._forward(event);
    }
    // No key pressed inside the widget reaches the notebook's shortcuts (`a`
    // would insert a cell, `d d` delete this one). Keys the widget does not
    // use keep their default action (typing, Tab, Enter/Space on buttons).
    event.stopPropagation();
  };

  private _run(action: KeyAction, target: Element): void {
    switch (action) {
      case 'undo':
      case 'redo':
      case 'export':
        this._send({ event: action });
        break;
      case 'clear-selection':
        if (this._selection().length) {
          this._setSelection([]);
        } else {
          this._leave();
        }
        break;
      case 'nav-up':
      case 'nav-down':
      case 'nav-left':
      case 'nav-right':
      case 'nav-first':
        this._graph.navigate(action.slice(4) as 'up' | 'down' | 'left' | 'right' | 'first');
        break;
      case 'search':
        this._search.submit();
        break;
      case 'find':
        focusQuietly(this._search.input);
        this._search.input.select();
        break;
      case 'open':
        this._graph.openCursor();
        break;
      case 'toggle':
        this._graph.toggleCursor();
        break;
      case 'collapse':
        this._graph.collapseCursor();
        break;
      case 'expand':
        this._graph.expandCursor();
        break;
      case 'apply':
        this._palette.applySelected('selection');
        break;
      case 'next-rule':
      case 'previous-rule':
        this._palette.moveRuleSelection(action === 'next-rule' ? 1 : -1);
        break;
      case 'commit-edit':
        this._send({
          event: 'set',
          path: target.getAttribute('data-path') ?? '',
          key: target.getAttribute('data-key') ?? '',
          value: (target as HTMLInputElement).value
        });
        break;
      case 'leave-field':
        focusQuietly(this.root);
        break;
    }
  }

  /**
   * Hand a Ctrl/Cmd shortcut the widget does not use (Ctrl+S saves) to
   * JupyterLab: the widget carries `data-lm-suppress-shortcuts`, so it is
   * dispatched again from the notebook around the widget.
   */
  private _forward(event: KeyboardEvent): void {
    const outside = this.root.closest('.jp-NotebookPanel') ?? document.body;
    const copy = new KeyboardEvent('keydown', {
      key: event.key,
      code: event.code,
      keyCode: event.keyCode,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      shiftKey: event.shiftKey,
      altKey: event.altKey,
      bubbles: true,
      cancelable: true
    } as KeyboardEventInit);
    if (!outside.dispatchEvent(copy)) {
      event.preventDefault();
    }
  }

  /** Escape with nothing selected: hand the keyboard back to the notebook. */
  private _leave(): void {
    const notebook = this.root.closest('.jp-Notebook') as HTMLElement | null;
    if (notebook) {
      focusQuietly(notebook);
    } else {
      (document.activeElement as HTMLElement | null)?.blur?.();
    }
  }

  // ---------------------------------------------------------------- state

  private _host: IGloveHost;
  private _disposed = false;
  private _disposers: Array<() => void> = [];

  private _graph: GraphView;
  private _inspector: InspectorView;
  private _palette: PaletteView;
  private _history: HistoryView;
  private _search: SearchView;
  private _depth: DepthControls;
  private _lost: string | null = null;
  private _lostBox!: HTMLDivElement;
  private _lostText!: HTMLSpanElement;
  private _note!: HTMLDivElement;

  private _title!: HTMLSpanElement;
  private _busy!: HTMLSpanElement;
  private _busyTimer: number | null = null;
  private _status!: HTMLDivElement;
  private _undoButton!: HTMLButtonElement;
  private _redoButton!: HTMLButtonElement;
  private _error!: HTMLDivElement;
  private _errorText!: HTMLSpanElement;
  private _codeBox!: HTMLDivElement;
  private _codeText!: HTMLPreElement;
  private _copyButton!: HTMLButtonElement;
}
