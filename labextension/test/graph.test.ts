import assert from 'node:assert/strict';
import { test } from 'node:test';

import { naturalSize } from '../src/graph';

function svg(width: string | null, height: string | null): Element {
  const attrs: Record<string, string | null> = { width, height };
  return { getAttribute: (name: string) => attrs[name] ?? null } as unknown as Element;
}

test("graphviz's pt sizes become CSS pixels", () => {
  assert.deepEqual(naturalSize(svg('552pt', '306pt')), { width: 736, height: 408 });
  assert.deepEqual(naturalSize(svg('100px', '50')), { width: 100, height: 50 });
  assert.equal(naturalSize(svg(null, '10pt')), null);
  assert.equal(naturalSize(svg('100%', '10pt')), null);
  assert.equal(naturalSize(svg('0pt', '10pt')), null);
});
