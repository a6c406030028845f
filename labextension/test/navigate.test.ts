import assert from 'node:assert/strict';
import { test } from 'node:test';

import { lastSegment } from '../src/inspector';
import { DrawnTree, parentPath, segmentStarts } from '../src/navigate';

test('parent paths follow the KeyPath grammar', () => {
  assert.equal(parentPath(''), null);
  assert.equal(parentPath('blocks'), '');
  assert.equal(parentPath('[0]'), '');
  assert.equal(parentPath('blocks[1]'), 'blocks');
  assert.equal(parentPath('blocks[1].conv'), 'blocks[1]');
  assert.equal(parentPath('layer3[4].bn2'), 'layer3[4]');
  assert.equal(parentPath('parts["a.b"]'), 'parts');
  assert.equal(parentPath('parts["x]y"].conv'), 'parts["x]y"]');
  assert.equal(parentPath('parts["say \\"hi\\"]"]'), 'parts');
  assert.equal(parentPath('d[(1, 2)].w'), 'd[(1, 2)]');
  assert.deepEqual(segmentStarts('blocks[1].conv'), [0, 6, 9]);
});

const PATHS = [
  '',
  'blocks',
  'blocks[0]',
  'blocks[1]',
  'blocks[2]',
  'blocks[0].conv',
  'blocks[0].act',
  'blocks[1].conv',
  'blocks[1].act'
];

test('parent, first child and siblings in graph order', () => {
  const tree = new DrawnTree(PATHS);
  assert.equal(tree.move(null, 'first'), '');
  assert.equal(tree.move('', 'child'), 'blocks');
  assert.equal(tree.move('blocks', 'child'), 'blocks[0]');
  assert.equal(tree.move('blocks[0]', 'next'), 'blocks[1]');
  assert.equal(tree.move('blocks[1]', 'next'), 'blocks[2]');
  assert.equal(tree.move('blocks[2]', 'next'), 'blocks[2]'); // stays at the edge
  assert.equal(tree.move('blocks[1]', 'previous'), 'blocks[0]');
  assert.equal(tree.move('blocks[0]', 'previous'), 'blocks[0]');
  assert.equal(tree.move('blocks[1]', 'child'), 'blocks[1].conv');
  assert.equal(tree.move('blocks[1].conv', 'next'), 'blocks[1].act');
  assert.equal(tree.move('blocks[1].act', 'parent'), 'blocks[1]');
  assert.equal(tree.move('', 'parent'), '');
  assert.equal(tree.move('blocks[2]', 'child'), 'blocks[2]'); // a leaf stays
  assert.equal(tree.move('not drawn', 'next'), ''); // unknown: back to the top
});

test('a node whose parent is not drawn hangs under its nearest drawn ancestor', () => {
  const tree = new DrawnTree(['', 'layer3[4].bn2', 'layer3[4].conv1', 'fc']);
  assert.equal(tree.parent('layer3[4].bn2'), '');
  assert.deepEqual(tree.children(''), ['layer3[4].bn2', 'layer3[4].conv1', 'fc']);
  assert.equal(tree.move('layer3[4].conv1', 'next'), 'fc');
});

test('an empty graph goes nowhere; duplicates count once', () => {
  assert.equal(new DrawnTree([]).move(null, 'first'), null);
  const tree = new DrawnTree(['', 'a', 'a', 'b']);
  assert.deepEqual(tree.children(''), ['a', 'b']);
});

test("a breadcrumb's labels are the paths' last segments", () => {
  assert.equal(lastSegment('blocks[1].conv'), '.conv');
  assert.equal(lastSegment('blocks[1]'), '[1]');
  assert.equal(lastSegment('blocks'), 'blocks');
  assert.equal(lastSegment('parts["a.b"]'), '["a.b"]');
});

test('a node drawn far below its nearest drawn ancestor (an elided run) hangs under it', () => {
  const depth = 10000;
  const deep = 'left'.concat('.left'.repeat(depth - 1));
  const paths = ['', 'left', 'left.left', 'left.left.left', deep.slice(0, -5), deep];
  const tree = new DrawnTree(paths);
  assert.equal(tree.parent(deep), deep.slice(0, -5));
  assert.equal(tree.parent(deep.slice(0, -5)), 'left.left.left');
  assert.deepEqual(tree.children('left.left.left'), [deep.slice(0, -5)]);
  assert.equal(tree.move(deep, 'parent'), deep.slice(0, -5));
});

test('a drawn path that only shares a prefix with another is not its child', () => {
  const tree = new DrawnTree(['', 'block', 'blocks', 'blocks[0]', 'block[0]']);
  assert.equal(tree.parent('blocks'), '');
  assert.equal(tree.parent('blocks[0]'), 'blocks');
  assert.equal(tree.parent('block[0]'), 'block');
});
