/**
 * The depth controls of the toolbar: a "Depth" choice (automatic, N levels,
 * all), "Collapse" (the selected node), "Expand all" and "Collapse all". The
 * kernel keeps the state (`depth`, `all_expanded`); this only shows it and
 * sends the messages. The choice <-> message mapping is pure, tested without
 * a browser.
 */

import { button, h } from './dom';
import { FrontEndMessage } from './types';

/** The choices of the depth control: the node budget decides, N levels, or everything. */
export const DEPTH_CHOICES: readonly string[] = ['auto', '1', '2', '3', '4', '5', '6', '8', '10', 'all'];

/** The choice that shows the kernel's state (`depth`, `all_expanded` traits). */
export function depthChoice(depth: unknown, allExpanded: unknown): string {
  if (allExpanded === true) {
    return 'all';
  }
  if (typeof depth === 'number' && Number.isInteger(depth) && depth >= 0) {
    return String(depth);
  }
  return 'auto';
}

/** The message a choice sends (null: not a choice). */
export function depthMessage(choice: string): FrontEndMessage | null {
  if (choice === 'all') {
    return { event: 'expand_all' };
  }
  if (choice === 'auto') {
    return { event: 'depth', depth: null };
  }
  if (/^\d{1,4}$/.test(choice)) {
    return { event: 'depth', depth: Number(choice) };
  }
  return null;
}

/** The label of a choice in the list. */
export function choiceLabel(choice: string): string {
  if (choice === 'auto') {
    return 'auto';
  }
  if (choice === 'all') {
    return 'all';
  }
  return choice === '1' ? '1 level' : `${choice} levels`;
}

export class DepthControls {
  /** The toolbar group (`.glove-depth-controls`). */
  readonly el: HTMLSpanElement;

  /**
   * @param send sends a message to the kernel.
   * @param collapseTarget the path "Collapse" acts on (null: nothing to collapse).
   */
  constructor(send: (message: FrontEndMessage) => void, collapseTarget: () => string | null) {
    this.el = h('span', 'glove-depth-controls');
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', 'Depth');
    const label = h('label', 'glove-depth-label', 'Depth');
    this._select = h('select', 'glove-depth');
    this._select.title = 'Levels shown below the root (auto: as many as fit; all: expand all)';
    this._select.setAttribute('aria-label', this._select.title);
    label.appendChild(this._select);
    this._fill('auto');
    this._select.addEventListener('change', () => {
      const message = depthMessage(this._select.value);
      if (message) {
        send(message);
      }
    });
    this.collapseButton = button(
      'glove-collapse',
      'Collapse',
      'Collapse the selected node: hide what is below it (− in the graph; click it to open again)'
    );
    this.collapseButton.addEventListener('click', () => {
      const path = collapseTarget();
      if (path !== null) {
        send({ event: 'collapse', path });
      }
    });
    const expandAll = button('glove-expand-all', 'Expand all', 'Open every subtree (big trees are capped)');
    expandAll.addEventListener('click', () => send({ event: 'expand_all' }));
    const collapseAll = button('glove-collapse-all', 'Collapse all', 'Show only the root and its children');
    collapseAll.addEventListener('click', () => send({ event: 'collapse_all' }));
    this.el.append(label, this.collapseButton, expandAll, collapseAll);
  }

  /** Show the kernel's depth state. */
  render(depth: unknown, allExpanded: unknown): void {
    const choice = depthChoice(depth, allExpanded);
    if (!DEPTH_CHOICES.includes(choice) && !this._extra.has(choice)) {
      this._extra.add(choice); // a depth set from Python that the list lacks
    }
    this._fill(choice);
  }

  /** Enable "Collapse" when there is something to collapse. */
  setCanCollapse(can: boolean): void {
    this.collapseButton.disabled = !can;
  }

  private _fill(choice: string): void {
    const choices = [...DEPTH_CHOICES];
    for (const extra of this._extra) {
      choices.splice(choices.length - 1, 0, extra);
    }
    if (this._select.options.length !== choices.length) {
      this._select.replaceChildren(
        ...choices.map(value => {
          const option = h('option', undefined, choiceLabel(value));
          option.value = value;
          return option;
        })
      );
    }
    this._select.value = choice;
  }

  readonly collapseButton: HTMLButtonElement;
  private _select: HTMLSelectElement;
  private _extra = new Set<string>();
}
