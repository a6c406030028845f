import assert from 'node:assert/strict';
import { test } from 'node:test';

import { naturalSize } from '../src/graph';

function svg(width: string | null, height: string | null, viewBox: string | null = null): Element {
  const attrs: Record<string, string | null> = { width, height, viewBox };
  return { getAttribute: (name: string) => attrs[name] ?? null } as unknown as Element;
}

test("graphviz's pt sizes become CSS pixels", () => {
  assert.deepEqual(naturalSize(svg('552pt', '306pt')), { width: 736, height: 408 });
  assert.deepEqual(naturalSize(svg('100px', '50')), { width: 100, height: 50 });
  assert.equal(naturalSize(svg(null, '10pt')), null);
  assert.equal(naturalSize(svg('100%', '10pt')), null);
  assert.equal(naturalSize(svg('0pt', '10pt')), null);
});

test('the viewBox gives the size, so every drawing is shown at exactly 4/3 px per unit', () => {
  // dot rounds width/height to whole points; the viewBox keeps the fraction.
  for (const [w, h, box] of [
    ['1090pt', '9179pt', '0.00 0.00 1090.28 9179.28'],
    ['1090pt', '9183pt', '0.00 0.00 1090.28 9182.64']
  ]) {
    const size = naturalSize(svg(w, h, box))!;
    const [, , bw, bh] = box.split(' ').map(Number);
    assert.ok(Math.abs(size.width / bw - 4 / 3) < 1e-12 && Math.abs(size.height / bh - 4 / 3) < 1e-12);
  }
  // A viewBox that is not four positive numbers is ignored.
  assert.deepEqual(naturalSize(svg('30pt', '15pt', '0 0 x 1')), { width: 40, height: 20 });
  assert.deepEqual(naturalSize(svg('30pt', '15pt', '0 0 0 1')), { width: 40, height: 20 });
});
