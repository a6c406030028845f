/**
 * The widget's keyboard map, as a pure function from a key press and the
 * kind of element it happened in to an action, so it can be tested without a
 * browser. `classifyTarget` turns a DOM element into that kind.
 */

/** The parts of a KeyboardEvent the map reads. */
export interface IKeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  isComposing?: boolean;
}

/**
 * Where a key was pressed:
 * - `edit`: an inspector value field (Enter sets the value);
 * - `input`: another one-line text field (Enter applies the chosen rule);
 * - `search`: the search box (Enter searches);
 * - `text`: any other text control (textarea, select, contenteditable);
 * - `button`: a button, link, checkbox or radio (keeps its default action);
 * - `graph`: the graph pane (arrow keys move through the nodes);
 * - `root`: the widget itself or anything else inside it.
 *
 * Whatever the target, no key pressed inside the widget reaches JupyterLab's
 * shortcuts (the coordinator stops them; the root also carries
 * `data-lm-suppress-shortcuts`), so only modifier shortcuts and keys that act
 * on the focused part are used: a plain letter never does anything.
 */
export type KeyTarget = 'edit' | 'input' | 'search' | 'text' | 'button' | 'graph' | 'root';

/** What a key press does. */
export type KeyAction =
  | 'undo'
  | 'redo'
  | 'export'
  | 'clear-selection'
  | 'apply'
  | 'next-rule'
  | 'previous-rule'
  | 'commit-edit'
  | 'leave-field'
  | 'nav-up'
  | 'nav-down'
  | 'nav-left'
  | 'nav-right'
  | 'nav-first'
  | 'open'
  | 'toggle'
  | 'collapse'
  | 'expand'
  | 'search'
  | 'find';

/** The action of a key press at `target`, or null when the widget does not handle it. */
export function keyAction(key: IKeyPress, target: KeyTarget): KeyAction | null {
  const mod = key.ctrlKey || key.metaKey;
  const plain = !mod && !key.shiftKey && !key.altKey;
  const name = key.key.length === 1 ? key.key.toLowerCase() : key.key;

  if (target === 'search') {
    if (key.key === 'Enter' && !key.isComposing) {
      return 'search';
    }
    return key.key === 'Escape' ? 'leave-field' : null;
  }
  if (target === 'edit' || target === 'input' || target === 'text') {
    if (key.key === 'Enter' && target === 'edit' && !key.isComposing) {
      return 'commit-edit';
    }
    if (key.key === 'Enter' && target === 'input' && plain && !key.isComposing) {
      return 'apply';
    }
    if (key.key === 'Escape') {
      return 'leave-field';
    }
    return null;
  }

  if (target === 'graph' && plain) {
    const arrows: Record<string, KeyAction> = {
      ArrowUp: 'nav-up',
      ArrowDown: 'nav-down',
      ArrowLeft: 'nav-left',
      ArrowRight: 'nav-right',
      Home: 'nav-first',
      Enter: 'open',
      ' ': 'toggle'
    };
    if (key.key in arrows) {
      return arrows[key.key];
    }
  }
  if (target === 'graph' && key.key === 'Enter' && key.shiftKey && !mod && !key.altKey) {
    return 'toggle';
  }
  // − closes the node under the cursor again, + (or =) opens a placeholder.
  if (target === 'graph' && !mod && !key.altKey) {
    if (key.key === '-' && !key.shiftKey) {
      return 'collapse';
    }
    if (key.key === '+' || (key.key === '=' && !key.shiftKey)) {
      return 'expand';
    }
  }

  const onRoot = target === 'root';
  if (mod && !key.altKey && name === 'z') {
    return key.shiftKey ? 'redo' : 'undo';
  }
  if (mod && !key.altKey && !key.shiftKey && name === 'y') {
    return 'redo';
  }
  if (mod && !key.altKey && !key.shiftKey && name === 'e') {
    return 'export';
  }
  if (mod && !key.altKey && !key.shiftKey && name === 'f') {
    return 'find';
  }
  if (key.key === 'Escape' && !mod && !key.altKey) {
    return 'clear-selection';
  }
  if (key.key === 'Enter' && onRoot && plain) {
    return 'apply';
  }
  if ((key.key === 'ArrowDown' || key.key === 'ArrowUp') && onRoot && !mod && !key.altKey) {
    return key.key === 'ArrowDown' ? 'next-rule' : 'previous-rule';
  }
  return null;
}

const TEXT_EDITING = new Set(['a', 'c', 'v', 'x', 'z', 'y']);

/**
 * Whether a key press the widget does not use goes on to JupyterLab's
 * shortcuts: only Ctrl/Cmd combinations (Ctrl+S saves the notebook), never a
 * plain or Shift/Alt key (those are the notebook's one-key commands), and not
 * the text-editing combinations inside a text field.
 */
export function forwardsToJupyter(key: IKeyPress, target: KeyTarget): boolean {
  if (!(key.ctrlKey || key.metaKey)) {
    return false;
  }
  if (['Control', 'Meta', 'Shift', 'Alt'].includes(key.key)) {
    return false;
  }
  const textual =
    target === 'edit' || target === 'input' || target === 'search' || target === 'text';
  return !(textual && TEXT_EDITING.has(key.key.toLowerCase()));
}

const NOT_TEXT_INPUTS = ['checkbox', 'radio', 'button', 'submit', 'reset'];

/** The kind of element `el` is, for `keyAction`; `root` is the widget's own element. */
export function classifyTarget(el: Element, root: Element): KeyTarget {
  if (el === root) {
    return 'root';
  }
  const tag = el.localName;
  if (tag === 'input') {
    const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
    if (NOT_TEXT_INPUTS.includes(type)) {
      return 'button';
    }
    if (el.classList.contains('glove-search')) {
      return 'search';
    }
    return el.classList.contains('glove-edit') ? 'edit' : 'input';
  }
  if (tag === 'textarea' || tag === 'select' || (el as HTMLElement).isContentEditable === true) {
    return 'text';
  }
  if (tag === 'button' || tag === 'a') {
    return 'button';
  }
  if (el.classList.contains('glove-graph')) {
    return 'graph';
  }
  return 'root';
}
