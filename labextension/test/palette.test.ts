import assert from 'node:assert/strict';
import { test } from 'node:test';

import { readPreview, readRules } from '../src/palette';

test('a rule the session check refused keeps its error, shown next to it', () => {
  const rules = readRules([
    { name: 'torch.depthwise_separable', doc: '', params: [], error: 'the check failed' },
    { name: 'torch.bn_to_gn', doc: '', params: [] }
  ]);
  assert.equal(rules[0].error, 'the check failed');
  assert.equal(rules[1].error, '');
});

test('a rule that would change nothing here keeps its reason', () => {
  const rules = readRules([
    { name: 'glove.remove', doc: '', params: [], error: '', disabled: 'would change nothing here: x' },
    { name: 'torch.bn_to_gn', doc: '', params: [] }
  ]);
  assert.equal(rules[0].disabled, 'would change nothing here: x');
  assert.equal(rules[1].disabled, '');
});

test("the kernel's preview is read defensively", () => {
  assert.equal(readPreview({}), null);
  assert.equal(readPreview(null), null);
  assert.equal(readPreview({ rule: '', count: 3 }), null);
  assert.deepEqual(
    readPreview({ rule: 'torch.bn_to_gn', scope: 'x', count: 53, nodes: ['bn1', 7], text: 'would change 53 nodes' }),
    {
      rule: 'torch.bn_to_gn',
      scope: 'selection',
      count: 53,
      nodes: ['bn1'],
      hidden: 0,
      text: 'would change 53 nodes',
      error: ''
    }
  );
});
