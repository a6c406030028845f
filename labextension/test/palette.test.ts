import assert from 'node:assert/strict';
import { test } from 'node:test';

import { readRules } from '../src/palette';

test('a rule the session check refused keeps its error, shown next to it', () => {
  const rules = readRules([
    { name: 'torch.depthwise_separable', doc: '', params: [], error: 'the check failed' },
    { name: 'torch.bn_to_gn', doc: '', params: [] }
  ]);
  assert.equal(rules[0].error, 'the check failed');
  assert.equal(rules[1].error, '');
});
