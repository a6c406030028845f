import assert from 'node:assert/strict';
import { test } from 'node:test';

import { stubKept } from '../src/morph';

const group = (kind: 'node' | 'edge', key: string, title: string, body: string): string =>
  `<g id="glove&#45;${kind}&#45;${title}" class="${kind}" data-glove-key="${key}" ` +
  `data-glove-at="1.5 -2">\n<title>${title}</title>\n${body}</g>\n`;

const A = 'a'.repeat(16);
const B = 'b'.repeat(16);
const svg = (groups: string[]): string =>
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">\n<g id="graph0" class="graph">\n' +
  '<polygon fill="white" points="0,0 9,0"/>\n' +
  groups.join('') +
  '</g>\n</svg>\n';

test('a group the view can keep is emptied to a stub, as many times as it has one', () => {
  const text = svg([
    group('node', A, 'x', '<path d="M0,0"/>\n<text x="1" y="2">X</text>\n'),
    group('node', A, 'y', '<path d="M0,0"/>\n<text x="1" y="2">X</text>\n'),
    group('edge', B, 'x&#45;&gt;y', '<path d="M1,1"/>\n'),
    group('node', B.replace(/b/g, 'c'), 'z', '<path d="M5,5"/>\n')
  ]);
  const { text: out, stubs } = stubKept(text, new Map([[A, 1], [B, 1]]));
  assert.equal(stubs, 2);
  // The first A group and the B edge are stubs: marked, title kept, content gone.
  assert.ok(out.includes(
    `data-glove-key="${A}" data-glove-stub="1" data-glove-at="1.5 -2">\n<title>x</title>\n</g>\n`));
  assert.ok(out.includes(`data-glove-stub="1" data-glove-at="1.5 -2">\n<title>x&#45;&gt;y</title>\n</g>`));
  // The second A group (only one A to keep) and the unknown key are untouched.
  assert.ok(out.includes(group('node', A, 'y', '<path d="M0,0"/>\n<text x="1" y="2">X</text>\n')));
  assert.ok(out.includes('<path d="M5,5"/>'));
  assert.equal((out.match(/data-glove-stub/g) ?? []).length, 2);
  // The rest of the document is as it was.
  assert.ok(out.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">'));
  assert.ok(out.includes('<polygon fill="white" points="0,0 9,0"/>'));
});

test('nothing to keep, or groups without a key, leave the text as it is', () => {
  const text = svg([group('node', A, 'x', '<path d="M0,0"/>\n')]);
  assert.deepEqual(stubKept(text, new Map()), { text, stubs: 0 });
  assert.deepEqual(stubKept(text, new Map([[A, 0]])), { text, stubs: 0 });
  const unkeyed = text.replace(` data-glove-key="${A}"`, '');
  assert.deepEqual(stubKept(unkeyed, new Map([[A, 3]])), { text: unkeyed, stubs: 0 });
  // A key that is not 16 hex digits is not one of the kernel's.
  const odd = text.replace(A, 'z'.repeat(16));
  assert.deepEqual(stubKept(odd, new Map([['z'.repeat(16), 1]])), { text: odd, stubs: 0 });
});
