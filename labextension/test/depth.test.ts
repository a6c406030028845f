import assert from 'node:assert/strict';
import { test } from 'node:test';

import { choiceLabel, DEPTH_CHOICES, depthChoice, depthMessage } from '../src/depth';
import { lostMessage, lostReason } from '../src/kernel';

test("the depth choice shows the kernel's state", () => {
  assert.equal(depthChoice(null, false), 'auto');
  assert.equal(depthChoice(undefined, undefined), 'auto');
  assert.equal(depthChoice(3, false), '3');
  assert.equal(depthChoice(0, false), '0');
  assert.equal(depthChoice(3, true), 'all');
  // Values from another process are checked: nothing odd becomes a level.
  for (const odd of [-1, 1.5, NaN, '3', [2], {}]) {
    assert.equal(depthChoice(odd, false), 'auto');
  }
});

test('each choice sends its message, and only choices do', () => {
  assert.deepEqual(depthMessage('auto'), { event: 'depth', depth: null });
  assert.deepEqual(depthMessage('all'), { event: 'expand_all' });
  assert.deepEqual(depthMessage('4'), { event: 'depth', depth: 4 });
  for (const choice of DEPTH_CHOICES) {
    assert.ok(depthMessage(choice) !== null, choice);
    // A choice round-trips through the state it asks for.
    const message = depthMessage(choice)!;
    const state = message.event === 'depth' ? depthChoice(message.depth, false) : depthChoice(null, true);
    assert.equal(state, choice);
  }
  for (const bad of ['', '-1', '1.5', 'ALL', ' 3', '99999', 'auto ']) {
    assert.equal(depthMessage(bad), null, bad);
  }
  assert.equal(choiceLabel('1'), '1 level');
  assert.equal(choiceLabel('3'), '3 levels');
});

test('a dead, restarting or shut down kernel is lost; a busy or idle one is not', () => {
  assert.equal(lostReason('dead'), 'the kernel died');
  assert.equal(lostReason('restarting'), 'the kernel restarted');
  assert.equal(lostReason('autorestarting'), 'the kernel restarted');
  // Restarted by another client (the REST API): the kernel just says it is starting.
  assert.equal(lostReason('starting'), 'the kernel restarted');
  assert.equal(lostReason('terminating'), 'the kernel was shut down');
  for (const fine of ['idle', 'busy', 'unknown', '']) {
    assert.equal(lostReason(fine), null, fine);
  }
  const text = lostMessage('the kernel died');
  assert.ok(text.startsWith('The kernel is gone (the kernel died): this view can no longer change the model'));
  assert.ok(text.includes('Re-run the cell'));
  assert.equal(lostMessage('  ').startsWith('The kernel is gone: '), true);
});
