/**
 * The graph pane: shows the server's (sanitized) SVG, marks the selected
 * nodes, turns clicks into selection changes or expansions, and zooms.
 */

import { button, focusQuietly, h, timed } from './dom';
import { keptKeys, morphSvg, rememberCorners, stubKept } from './morph';
import { DrawnTree, Move } from './navigate';
import { adoptSanitized, nodeTitle, parseSvgDocument, pathFromTitle } from './svg';

/** What the graph asks of the coordinator. */
export interface IGraphActions {
  /** The current selection (paths). */
  selection(): string[];
  /** The user chose these paths. */
  select(paths: string[]): void;
  /** The user clicked a collapsed placeholder. */
  expand(path: string): void;
  /** The user closed an opened node again (− on the cursor). */
  collapse(path: string): void;
  /** Give the keyboard focus back to the widget. */
  focus(): void;
}

const HEIGHT_KEY = 'glove-lab.graph-height';
const MIN_ZOOM = 0.05;
const MAX_ZOOM = 8;
/** Below this, "fit" is too small to read: a big graph opens at actual size instead. */
const MIN_FIT = 0.35;
/** Revealing a node zooms in to at least this (a node at 4% cannot be read). */
const MIN_REVEAL = 0.6;

/**
 * The natural size of a graphviz SVG in CSS pixels: its viewBox in pt (its
 * width/height attributes are the same, rounded to whole points).
 *
 * From the viewBox, so the scale from SVG units to pixels is exactly 4/3 x
 * zoom for every drawing: were it to change by a rounding, the browser would
 * lay out every text of the graph again (a new scale factor), not only what
 * changed.
 */
export function naturalSize(svg: Element): { width: number; height: number } | null {
  const box = (svg.getAttribute('viewBox') ?? '').trim().split(/[\s,]+/).map(Number);
  if (box.length === 4 && box.every(Number.isFinite) && box[2] > 0 && box[3] > 0) {
    return { width: (box[2] * 4) / 3, height: (box[3] * 4) / 3 };
  }
  const px = (value: string | null): number => {
    const m = /^\s*([\d.]+)\s*(pt|px)?\s*$/.exec(value ?? '');
    return m ? parseFloat(m[1]) * (m[2] === 'pt' ? 4 / 3 : 1) : NaN;
  };
  const width = px(svg.getAttribute('width'));
  const height = px(svg.getAttribute('height'));
  return width > 0 && height > 0 ? { width, height } : null;
}

function readSetting(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeSetting(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Storage may be unavailable (private mode): the height is just not kept.
  }
}

export class GraphView {
  /** The pane (`.glove-graph`). */
  readonly el: HTMLDivElement;
  /** Zoom out / level / zoom in / fit / 100%, placed in the toolbar by the coordinator. */
  readonly zoomControls: HTMLSpanElement;

  constructor(actions: IGraphActions) {
    this._actions = actions;
    this.el = h('div', 'glove-graph glove-zoom-fit');
    this.el.setAttribute('data-render-id', '0');
    // Tab stops here; arrow keys then move a cursor through the nodes.
    this.el.tabIndex = 0;
    this.el.setAttribute('role', 'group');
    this.el.setAttribute(
      'aria-label',
      'Graph: arrow keys move between parent, children and siblings; Enter selects; Space adds'
    );
    this.el.addEventListener('focus', () => {
      // Focus from a mouse press is the click's business (moving the view now
      // would move the node from under the pointer); from Tab, show the cursor.
      if (this._pressing) {
        return;
      }
      if (this._cursor === null || !this._nodes.has(this._cursor)) {
        const selected = this._actions.selection().filter(p => this._nodes.has(p));
        this._setCursor(selected.length ? selected[selected.length - 1] : this._tree.move(null, 'first'));
      }
    });
    this._message = h('div', 'glove-graph-message', 'No graph yet.');
    this.el.appendChild(this._message);
    this.el.addEventListener('click', this._onClick);
    this.el.addEventListener('mousedown', this._onMouseDown);
    this.zoomControls = h('span', 'glove-zoom-controls');
    const zoomOut = button('glove-zoom-out', '−', 'Zoom out (Ctrl+wheel or pinch zooms at the pointer)');
    const zoomIn = button('glove-zoom-in', '+', 'Zoom in (Ctrl+wheel or pinch zooms at the pointer)');
    const fit = button('glove-zoom-fit-button', 'Fit', 'Fit the whole graph');
    const actual = button('glove-zoom-actual-button', '100%', 'Actual size');
    this._zoomLevel = h('span', 'glove-zoom-level', '100%');
    zoomOut.addEventListener('click', () => this.zoomBy(1 / 1.25));
    zoomIn.addEventListener('click', () => this.zoomBy(1.25));
    fit.addEventListener('click', () => this.fit());
    actual.addEventListener('click', () => this.setZoom(1));
    this.zoomControls.append(zoomOut, this._zoomLevel, zoomIn, fit, actual);

    this.el.addEventListener('wheel', this._onWheel, { passive: false });
    this.el.addEventListener('pointerdown', this._onPointerDown);
    // The pane's height is the user's (drag its bottom edge), remembered.
    const saved = Number(readSetting(HEIGHT_KEY));
    if (saved >= 120) {
      this.el.style.height = `${saved}px`;
    }
    if (typeof ResizeObserver !== 'undefined') {
      this._resize = new ResizeObserver(() => {
        const height = parseFloat(this.el.style.height);
        if (height >= 120) {
          writeSetting(HEIGHT_KEY, String(Math.round(height)));
        }
        if (this._mode === 'fit') {
          this._applyZoom();
        }
      });
      this._resize.observe(this.el);
    }
  }

  /** Show `text` (SVG from the server), replacing the current graph. */
  render(text: string): void {
    const shown = this._svg;
    this._svg = null;
    this._nodes = new Map();
    this._tree = new DrawnTree([]);
    let morphed = false;
    let fresh: SVGSVGElement | null = null;
    if (shown !== null && text.trim()) {
      // Parse only what is new: the groups this view already shows are stubs (morph.ts).
      const skeleton = timed('stub', () => stubKept(text, keptKeys(shown)));
      if (skeleton.stubs > 0) {
        const parsed = timed('parse', () => parseSvgDocument(skeleton.text));
        const partial = parsed && timed('sanitize', () => adoptSanitized(parsed, document));
        morphed = partial !== null && timed('morph', () => morphSvg(shown, partial)) >= 0;
      }
    }
    if (!morphed && text.trim()) {
      const parsed = timed('parse', () => parseSvgDocument(text));
      fresh = parsed && timed('sanitize', () => adoptSanitized(parsed, document));
      // Boxes that did not change are moved, not built again (see morph.ts).
      morphed = shown !== null && fresh !== null && timed('morph', () => morphSvg(shown, fresh!)) >= 0;
    }
    if (shown !== null && !morphed) {
      shown.remove();
    }
    if (!text.trim()) {
      this._showMessage('No graph yet.');
    } else {
      const svg = morphed ? shown : fresh;
      if (!svg) {
        this._showMessage('The graph could not be displayed (invalid SVG).');
      } else {
        this._message.hidden = true;
        this._natural = naturalSize(svg);
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
        this._tree = new DrawnTree(Array.from(this._nodes.keys()));
        if (!morphed) {
          timed('insert', () => this.el.appendChild(svg));
          rememberCorners(svg);
        }
        timed('zoom', () => this._applyZoom(true));
        if (this._revealRoot) {
          // A new depth / expand all / collapse all: start again from the root.
          this._revealRoot = false;
          if (this._mode === 'free') {
            this._showRoot();
          }
        }
        this.markSelection(this._actions.selection());
        this.markPreview(this._previewTitles);
        if (this._reveal !== null && this._nodes.has(this._reveal)) {
          const path = this._reveal;
          this._reveal = null;
          this.reveal(path);
        }
        if (this._cursor !== null) {
          this._setCursor(this._nodes.has(this._cursor) ? this._cursor : null);
        }
      }
    }
    this._renderId += 1;
    this.el.setAttribute('data-render-id', String(this._renderId));
  }

  /** Show the root when the next graph arrives (the whole layout changes). */
  revealRootOnNextRender(): void {
    this._revealRoot = true;
  }

  /** Outline the nodes at `paths` (and no others). */
  markSelection(paths: string[]): void {
    if (!this._svg) {
      return;
    }
    for (const g of Array.from(this._svg.querySelectorAll('g.node.glove-selected'))) {
      g.classList.remove('glove-selected');
    }
    for (const path of paths) {
      for (const g of this._nodes.get(path) ?? []) {
        g.classList.add('glove-selected');
      }
    }
  }

  /**
   * Outline the nodes a rule would change (the palette's preview): `titles`
   * are SVG `<title>` texts. A dashed outline, distinct from the selection.
   */
  markPreview(titles: readonly string[]): void {
    this._previewTitles = titles;
    if (!this._svg) {
      return;
    }
    for (const g of Array.from(this._svg.querySelectorAll('g.node.glove-preview'))) {
      g.classList.remove('glove-preview');
    }
    for (const title of titles) {
      for (const g of this._nodes.get(pathFromTitle(title)) ?? []) {
        g.classList.add('glove-preview');
      }
    }
    this.el.setAttribute('data-preview-count', String(titles.length));
  }

  /**
   * Show the node at `path` at a readable zoom (at least 60%), centred; with
   * `later` (or if it is not drawn yet), when the next graph comes (the
   * kernel is drawing the new selection).
   */
  reveal(path: string, later = false): void {
    const g = this._nodes.get(path)?.[0];
    if (!g || later) {
      this._reveal = path;
      return;
    }
    if (this._scale < MIN_REVEAL || this._mode === 'fit') {
      this._mode = 'free';
      this._scale = Math.max(this._scale, 1);
      this._applyZoom();
    }
    this._centre(g);
  }

  /** The node the keyboard cursor is on (null: none). */
  get cursor(): string | null {
    return this._cursor;
  }

  /**
   * Move the keyboard cursor. Arrow directions follow the drawing: in a
   * top-down graph up is the parent and left/right the siblings; in a
   * left-to-right graph left is the parent and up/down the siblings.
   */
  navigate(direction: 'up' | 'down' | 'left' | 'right' | 'first'): void {
    let move: Move = 'first';
    if (direction !== 'first') {
      const across = this._leftToRight();
      const table: Record<string, Move> = across
        ? { left: 'parent', right: 'child', up: 'previous', down: 'next' }
        : { up: 'parent', down: 'child', left: 'previous', right: 'next' };
      move = table[direction];
    }
    this._setCursor(this._tree.move(this._cursor, move), true);
  }

  /** Enter on the cursor: select it alone, or open it if it is a placeholder. */
  openCursor(): void {
    const path = this._cursor;
    if (path === null) {
      return;
    }
    if (this._isCollapsed(path)) {
      this._actions.expand(path);
    } else {
      this._actions.select([path]);
    }
  }

  /** − on the cursor (else the last selected node): close it again. */
  collapseCursor(): void {
    const selection = this._actions.selection();
    const path = this._cursor ?? selection[selection.length - 1] ?? null;
    if (path !== null && !this._isCollapsed(path)) {
      this._actions.collapse(path);
    }
  }

  /** + on the cursor: open it if it is a placeholder. */
  expandCursor(): void {
    const path = this._cursor;
    if (path !== null && this._isCollapsed(path)) {
      this._actions.expand(path);
    }
  }

  /** Space on the cursor: add it to the selection or take it out. */
  toggleCursor(): void {
    const path = this._cursor;
    if (path === null || this._isCollapsed(path)) {
      return;
    }
    const selection = this._actions.selection();
    const at = selection.indexOf(path);
    if (at >= 0) {
      selection.splice(at, 1);
    } else {
      selection.push(path);
    }
    this._actions.select(selection);
  }

  private _isCollapsed(path: string): boolean {
    return (this._nodes.get(path) ?? []).some(g => g.classList.contains('glove-collapsed'));
  }

  private _setCursor(path: string | null, scroll = false): void {
    for (const g of Array.from(this.el.querySelectorAll('g.node.glove-cursor'))) {
      g.classList.remove('glove-cursor');
    }
    this._cursor = path;
    this.el.toggleAttribute('data-cursor', path !== null);
    if (path === null) {
      this.el.removeAttribute('aria-activedescendant');
      return;
    }
    this.el.setAttribute('data-cursor', path);
    const nodes = this._nodes.get(path) ?? [];
    for (const g of nodes) {
      g.classList.add('glove-cursor');
    }
    if (scroll) {
      const first = nodes[0] as (Element & { scrollIntoView?: (o: object) => void }) | undefined;
      first?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
    }
  }

  /** True when the graph is drawn left to right (a child sits beside its parent). */
  private _leftToRight(): boolean {
    for (const parent of this._tree.paths) {
      const child = this._tree.children(parent)[0];
      if (child === undefined) {
        continue;
      }
      const a = this._nodes.get(parent)?.[0]?.getBoundingClientRect();
      const b = this._nodes.get(child)?.[0]?.getBoundingClientRect();
      if (a && b) {
        return b.left >= a.right - 1 && b.top < a.bottom;
      }
    }
    return false;
  }

  /** The current zoom factor (1: actual size). */
  get zoom(): number {
    return this._scale;
  }

  /** Zoom to `scale` (clamped), keeping the point at (`clientX`, `clientY`) in place. */
  setZoom(scale: number, clientX?: number, clientY?: number): void {
    const svg = this._svg;
    const target = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, scale));
    this._mode = 'free';
    if (!svg) {
      this._scale = target;
      this._applyZoom();
      return;
    }
    const before = svg.getBoundingClientRect();
    const pane = this.el.getBoundingClientRect();
    const x = clientX ?? pane.left + pane.width / 2;
    const y = clientY ?? pane.top + pane.height / 2;
    const fx = before.width ? (x - before.left) / before.width : 0;
    const fy = before.height ? (y - before.top) / before.height : 0;
    this._scale = target;
    this._applyZoom();
    const after = svg.getBoundingClientRect();
    this.el.scrollLeft += after.left + fx * after.width - x;
    this.el.scrollTop += after.top + fy * after.height - y;
  }

  /** Zoom in (`factor` > 1) or out around the pane's centre. */
  zoomBy(factor: number): void {
    this.setZoom(this._scale * factor);
  }

  /** Fit the whole graph in the pane (never beyond actual size). */
  fit(): void {
    this._mode = 'fit';
    this._applyZoom();
  }

  /**
   * Size the SVG for the zoom. `drawn`: a new graph came (not the user's Fit):
   * one too big to fit legibly shows at actual size instead (the root, or the
   * node being revealed), never at 4%.
   */
  private _applyZoom(drawn = false): void {
    const svg = this._svg;
    this.el.classList.toggle('glove-zoom-fit', this._mode === 'fit');
    if (svg && this._natural) {
      const { width, height } = this._natural;
      if (this._mode === 'fit' && this.el.clientWidth > 0) {
        const room = {
          width: Math.max(40, this.el.clientWidth - 8),
          height: Math.max(40, this.el.clientHeight - 8)
        };
        this._scale = Math.min(1, room.width / width, room.height / height);
        const first = !this._opened;
        this._opened = true;
        if ((first || drawn) && this._scale < MIN_FIT) {
          this._mode = 'free';
          this._scale = 1;
          if (this._reveal === null) {
            window.requestAnimationFrame(() => this._showRoot());
          }
        }
      }
      svg.style.width = `${width * this._scale}px`;
      svg.style.height = `${height * this._scale}px`;
      svg.style.maxWidth = 'none';
    }
    this._zoomLevel.textContent = `${Math.round(this._scale * 100)}%`;
    this.el.setAttribute('data-zoom', this._scale.toFixed(3));
  }

  private _showRoot(): void {
    const root = this._tree.move(null, 'first');
    const g = root === null ? undefined : this._nodes.get(root)?.[0];
    if (g) {
      this._scrollTo(g);
    }
  }

  private _showMessage(text: string): void {
    this._message.textContent = text;
    this._message.hidden = false;
  }

  private _centre(g: Element): void {
    const box = g.getBoundingClientRect();
    const pane = this.el.getBoundingClientRect();
    this.el.scrollLeft += box.left + box.width / 2 - (pane.left + pane.width / 2);
    this.el.scrollTop += box.top + box.height / 2 - (pane.top + pane.height / 2);
  }

  private _scrollTo(g: Element): void {
    const box = g.getBoundingClientRect();
    const pane = this.el.getBoundingClientRect();
    this.el.scrollLeft += box.left + box.width / 2 - (pane.left + pane.width / 2);
    this.el.scrollTop += box.top - pane.top - 16;
  }

  private _onWheel = (event: WheelEvent): void => {
    // Ctrl/Cmd + wheel, and a trackpad pinch (which the browser reports as
    // Ctrl + wheel), zoom at the pointer; a plain wheel scrolls as usual.
    if (!(event.ctrlKey || event.metaKey) || !this._svg) {
      return;
    }
    event.preventDefault();
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    this.setZoom(this._scale * Math.exp(-delta * 0.002), event.clientX, event.clientY);
  };

  private _onPointerDown = (event: PointerEvent): void => {
    this._pressing = true;
    const released = (): void => {
      window.removeEventListener('pointerup', released, true);
      window.setTimeout(() => (this._pressing = false), 0);
    };
    window.addEventListener('pointerup', released, true);
    if (event.button !== 0 || !this._svg || event.shiftKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const start = {
      x: event.clientX,
      y: event.clientY,
      left: this.el.scrollLeft,
      top: this.el.scrollTop
    };
    let panning = false;
    const move = (e: PointerEvent): void => {
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      if (!panning && Math.abs(dx) + Math.abs(dy) > 4) {
        panning = true;
        this.el.classList.add('glove-panning');
      }
      if (panning) {
        this.el.scrollLeft = start.left - dx;
        this.el.scrollTop = start.top - dy;
      }
    };
    const up = (): void => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      if (panning) {
        this.el.classList.remove('glove-panning');
        // The click that ends a drag selects nothing.
        this._suppressClick = true;
        window.setTimeout(() => (this._suppressClick = false), 0);
      }
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  private _onMouseDown = (event: MouseEvent): void => {
    // A shift-click inside a notebook output would otherwise extend the
    // notebook's cell selection and select text in the SVG.
    if (event.button === 0 && (event.shiftKey || event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  private _onClick = (event: MouseEvent): void => {
    if (event.button !== 0 || this._suppressClick) {
      this._suppressClick = false;
      return;
    }
    const target = event.target as Element | null;
    const g = target && typeof target.closest === 'function' ? target.closest('g.node') : null;
    if (g && this._svg && this._svg.contains(g) && g.hasAttribute('data-glove-path')) {
      const path = g.getAttribute('data-glove-path') ?? '';
      if (g.classList.contains('glove-collapsed')) {
        this._actions.expand(path);
      } else if (event.shiftKey || event.metaKey || event.ctrlKey) {
        const selection = this._actions.selection();
        const at = selection.indexOf(path);
        if (at >= 0) {
          selection.splice(at, 1);
        } else {
          selection.push(path);
        }
        this._actions.select(selection);
      } else {
        this._actions.select([path]);
      }
      this._setCursor(path);
      // The graph takes the keyboard: arrows continue from the clicked node.
      focusQuietly(this.el);
    } else {
      this._actions.select([]);
      this._actions.focus();
    }
  };

  private _actions: IGraphActions;
  private _message: HTMLDivElement;
  private _svg: SVGSVGElement | null = null;
  private _nodes = new Map<string, Element[]>();
  private _tree = new DrawnTree([]);
  private _cursor: string | null = null;
  private _renderId = 0;
  private _mode: 'fit' | 'free' = 'fit';
  private _scale = 1;
  private _natural: { width: number; height: number } | null = null;
  private _zoomLevel: HTMLSpanElement;
  private _suppressClick = false;
  private _opened = false;
  private _pressing = false;
  private _revealRoot = false;
  private _resize: ResizeObserver | null = null;
  private _previewTitles: readonly string[] = [];
  private _reveal: string | null = null;
}
