/**
 * The graph pane: shows the server's (sanitized) SVG, marks the selected
 * nodes, turns clicks into selection changes or expansions, and zooms.
 */

import { button, focusQuietly, h } from './dom';
import { DrawnTree, Move } from './navigate';
import { nodeTitle, parseSvg, pathFromTitle } from './svg';

/** What the graph asks of the coordinator. */
export interface IGraphActions {
  /** The current selection (paths). */
  selection(): string[];
  /** The user chose these paths. */
  select(paths: string[]): void;
  /** The user clicked a collapsed placeholder. */
  expand(path: string): void;
  /** Give the keyboard focus back to the widget. */
  focus(): void;
}

export class GraphView {
  /** The pane (`.glove-graph`). */
  readonly el: HTMLDivElement;
  /** The fit/actual-size toggle, placed in the toolbar by the coordinator. */
  readonly zoomButton: HTMLButtonElement;

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
      if (this._cursor === null || !this._nodes.has(this._cursor)) {
        const selected = this._actions.selection().filter(p => this._nodes.has(p));
        this._setCursor(selected.length ? selected[selected.length - 1] : this._tree.move(null, 'first'));
      }
    });
    this._message = h('div', 'glove-graph-message', 'No graph yet.');
    this.el.appendChild(this._message);
    this.el.addEventListener('click', this._onClick);
    this.el.addEventListener('mousedown', this._onMouseDown);
    this.zoomButton = button('glove-zoom', 'Actual size', 'Toggle fit-to-width / actual size');
    this.zoomButton.addEventListener('click', () => this.toggleZoom());
  }

  /** Show `text` (SVG from the server), replacing the current graph. */
  render(text: string): void {
    if (this._svg) {
      this._svg.remove();
      this._svg = null;
    }
    this._nodes = new Map();
    this._tree = new DrawnTree([]);
    if (!text.trim()) {
      this._showMessage('No graph yet.');
    } else {
      const svg = parseSvg(text, document);
      if (!svg) {
        this._showMessage('The graph could not be displayed (invalid SVG).');
      } else {
        this._message.hidden = true;
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
        this._tree = new DrawnTree(Array.from(this._nodes.keys()));
        this._applyZoom();
        this.el.appendChild(svg);
        this.markSelection(this._actions.selection());
        if (this._cursor !== null) {
          this._setCursor(this._nodes.has(this._cursor) ? this._cursor : null);
        }
      }
    }
    this._renderId += 1;
    this.el.setAttribute('data-render-id', String(this._renderId));
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
    this._setCursor(this._tree.move(this._cursor, move));
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

  private _setCursor(path: string | null): void {
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
    const first = nodes[0] as (Element & { scrollIntoView?: (o: object) => void }) | undefined;
    first?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
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

  /** Switch between fit-to-width and actual size. */
  toggleZoom(): void {
    this._fit = !this._fit;
    this._applyZoom();
  }

  private _showMessage(text: string): void {
    this._message.textContent = text;
    this._message.hidden = false;
  }

  private _applyZoom(): void {
    const svg = this._svg;
    this.el.classList.toggle('glove-zoom-fit', this._fit);
    this.el.classList.toggle('glove-zoom-actual', !this._fit);
    this.zoomButton.textContent = this._fit ? 'Actual size' : 'Fit width';
    this.zoomButton.setAttribute('aria-pressed', String(!this._fit));
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

  private _onMouseDown = (event: MouseEvent): void => {
    // A shift-click inside a notebook output would otherwise extend the
    // notebook's cell selection and select text in the SVG.
    if (event.button === 0 && (event.shiftKey || event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  private _onClick = (event: MouseEvent): void => {
    if (event.button !== 0) {
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
  private _fit = true;
  private _naturalWidth: string | null = null;
  private _naturalHeight: string | null = null;
}
