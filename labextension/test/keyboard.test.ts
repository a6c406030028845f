import assert from 'node:assert/strict';
import { test } from 'node:test';

import { forwardsToJupyter, IKeyPress, KeyTarget, keyAction } from '../src/keyboard';

function press(key: string, mods: Partial<IKeyPress> = {}): IKeyPress {
  return { key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods };
}

test('undo and redo with Ctrl or Cmd, anywhere outside a text field', () => {
  for (const target of ['root', 'button'] as KeyTarget[]) {
    assert.equal(keyAction(press('z', { ctrlKey: true }), target), 'undo');
    assert.equal(keyAction(press('z', { metaKey: true }), target), 'undo');
    assert.equal(keyAction(press('Z', { ctrlKey: true, shiftKey: true }), target), 'redo');
    assert.equal(keyAction(press('y', { ctrlKey: true }), target), 'redo');
  }
  assert.equal(keyAction(press('z', { ctrlKey: true, altKey: true }), 'root'), null);
  assert.equal(keyAction(press('y', { ctrlKey: true, shiftKey: true }), 'root'), null);
});

test('export with Ctrl+E or Cmd+E only: a plain e does nothing', () => {
  assert.equal(keyAction(press('e', { ctrlKey: true }), 'root'), 'export');
  assert.equal(keyAction(press('e', { metaKey: true }), 'graph'), 'export');
  for (const target of ['root', 'graph', 'button'] as KeyTarget[]) {
    assert.equal(keyAction(press('e'), target), null);
  }
  assert.equal(keyAction(press('E', { shiftKey: true }), 'root'), null);
  assert.equal(keyAction(press('e', { altKey: true }), 'root'), null);
});

test('plain letters are never shortcuts (a, b, d d, m, y, x, c, v, z do nothing)', () => {
  for (const target of ['root', 'graph', 'button'] as KeyTarget[]) {
    for (const key of 'abdmyxcvzsjkl'.split('')) {
      assert.equal(keyAction(press(key), target), null, `${key} on ${target}`);
    }
  }
});

test('in the graph, arrows move, Enter opens, Space or Shift+Enter toggles', () => {
  assert.equal(keyAction(press('ArrowUp'), 'graph'), 'nav-up');
  assert.equal(keyAction(press('ArrowDown'), 'graph'), 'nav-down');
  assert.equal(keyAction(press('ArrowLeft'), 'graph'), 'nav-left');
  assert.equal(keyAction(press('ArrowRight'), 'graph'), 'nav-right');
  assert.equal(keyAction(press('Home'), 'graph'), 'nav-first');
  assert.equal(keyAction(press('Enter'), 'graph'), 'open');
  assert.equal(keyAction(press(' '), 'graph'), 'toggle');
  assert.equal(keyAction(press('Enter', { shiftKey: true }), 'graph'), 'toggle');
  assert.equal(keyAction(press('Escape'), 'graph'), 'clear-selection');
  assert.equal(keyAction(press('z', { ctrlKey: true }), 'graph'), 'undo');
  assert.equal(keyAction(press('ArrowUp', { ctrlKey: true }), 'graph'), null);
  // Outside the graph, arrows keep choosing rules.
  assert.equal(keyAction(press('ArrowLeft'), 'root'), null);
});

test('Enter applies and arrows choose rules only on the widget, not on its buttons', () => {
  assert.equal(keyAction(press('Enter'), 'root'), 'apply');
  assert.equal(keyAction(press('Enter'), 'button'), null);
  assert.equal(keyAction(press('Enter', { shiftKey: true }), 'root'), null);
  assert.equal(keyAction(press('ArrowDown'), 'root'), 'next-rule');
  assert.equal(keyAction(press('ArrowUp'), 'root'), 'previous-rule');
  assert.equal(keyAction(press('ArrowDown'), 'button'), null);
  assert.equal(keyAction(press('ArrowDown', { ctrlKey: true }), 'root'), null);
});

test('Escape clears the selection, or leaves a text field', () => {
  assert.equal(keyAction(press('Escape'), 'root'), 'clear-selection');
  assert.equal(keyAction(press('Escape'), 'button'), 'clear-selection');
  for (const target of ['edit', 'input', 'text'] as KeyTarget[]) {
    assert.equal(keyAction(press('Escape'), target), 'leave-field');
  }
});

test('in text fields letters are text: no shortcut fires', () => {
  for (const target of ['edit', 'input', 'text'] as KeyTarget[]) {
    for (const key of ['a', 'b', 'd', 'e', 'z', 'ArrowDown', ' ']) {
      assert.equal(keyAction(press(key), target), null, `${key} in ${target}`);
    }
    assert.equal(keyAction(press('z', { ctrlKey: true }), target), null, `Ctrl+Z in ${target}`);
  }
});

test('Enter commits an inspector edit, applies from a form input, not while composing', () => {
  assert.equal(keyAction(press('Enter'), 'edit'), 'commit-edit');
  assert.equal(keyAction(press('Enter'), 'input'), 'apply');
  assert.equal(keyAction(press('Enter', { ctrlKey: true }), 'input'), null);
  assert.equal(keyAction(press('Enter'), 'text'), null);
  assert.equal(keyAction(press('Enter', { isComposing: true }), 'edit'), null);
  assert.equal(keyAction(press('Enter', { isComposing: true }), 'input'), null);
});

test('keys the widget does not use are left alone', () => {
  for (const key of ['a', 'b', 'x', 'Tab', 'Delete']) {
    assert.equal(keyAction(press(key), 'root'), null, key);
  }
});

test('only unused Ctrl/Cmd shortcuts go on to JupyterLab', () => {
  assert.equal(forwardsToJupyter(press('s', { ctrlKey: true }), 'root'), true);
  assert.equal(forwardsToJupyter(press('s', { metaKey: true }), 'input'), true);
  assert.equal(forwardsToJupyter(press('Enter', { ctrlKey: true }), 'graph'), true);
  for (const key of ['a', 'd', 'Enter', 'ArrowDown', 'Escape']) {
    assert.equal(forwardsToJupyter(press(key), 'root'), false, key);
    assert.equal(forwardsToJupyter(press(key, { shiftKey: true }), 'root'), false, key);
    assert.equal(forwardsToJupyter(press(key, { altKey: true }), 'graph'), false, key);
  }
  for (const key of ['a', 'c', 'v', 'x', 'z', 'y']) {
    assert.equal(forwardsToJupyter(press(key, { ctrlKey: true }), 'input'), false, key);
  }
  assert.equal(forwardsToJupyter(press('Control', { ctrlKey: true }), 'root'), false);
});

test('the search box: Enter searches, Escape leaves, letters are text; Ctrl+F finds', () => {
  assert.equal(keyAction(press('Enter'), 'search'), 'search');
  assert.equal(keyAction(press('Enter', { isComposing: true }), 'search'), null);
  assert.equal(keyAction(press('Escape'), 'search'), 'leave-field');
  for (const key of ['a', 'd', 'e', 'ArrowDown', '#']) {
    assert.equal(keyAction(press(key), 'search'), null, key);
  }
  assert.equal(keyAction(press('f', { ctrlKey: true }), 'graph'), 'find');
  assert.equal(keyAction(press('f', { metaKey: true }), 'root'), 'find');
  assert.equal(forwardsToJupyter(press('a', { ctrlKey: true }), 'search'), false);
});

test('in the graph, - collapses the node again and + or = opens a placeholder', () => {
  assert.equal(keyAction(press('-'), 'graph'), 'collapse');
  assert.equal(keyAction(press('+', { shiftKey: true }), 'graph'), 'expand');
  assert.equal(keyAction(press('+'), 'graph'), 'expand');
  assert.equal(keyAction(press('='), 'graph'), 'expand');
  // Only in the graph, and never with Ctrl/Cmd/Alt (browser zoom) or in a field.
  for (const target of ['root', 'button', 'input', 'search', 'edit', 'text'] as KeyTarget[]) {
    assert.equal(keyAction(press('-'), target), null, target);
    assert.equal(keyAction(press('+'), target), null, target);
  }
  assert.equal(keyAction(press('-', { ctrlKey: true }), 'graph'), null);
  assert.equal(keyAction(press('=', { metaKey: true }), 'graph'), null);
  assert.equal(keyAction(press('-', { altKey: true }), 'graph'), null);
  assert.equal(keyAction(press('_', { shiftKey: true }), 'graph'), null);
});
