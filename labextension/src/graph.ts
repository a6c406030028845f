/**
 * The graph pane: shows the server's (sanitized) SVG, marks the selected
 * nodes, turns clicks into selection changes or expansions, and zooms.
 */

import { button, h } from './dom';
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
        this._applyZoom();
        this.el.appendChild(svg);
        this.markSelection(this._actions.selection());
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
    } else {
      this._actions.select([]);
    }
    this._actions.focus();
  };

  private _actions: IGraphActions;
  private _message: HTMLDivElement;
  private _svg: SVGSVGElement | null = null;
  private _nodes = new Map<string, Element[]>();
  private _renderId = 0;
  private _fit = true;
  private _naturalWidth: string | null = null;
  private _naturalHeight: string | null = null;
}
