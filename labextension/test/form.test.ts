import assert from 'node:assert/strict';
import { test } from 'node:test';

import { collectParams, FieldValue } from '../src/form';
import { IParamForm } from '../src/types';

function spec(name: string, kind: IParamForm['kind'], required = false): IParamForm {
  return { name, kind, default: null, choices: kind === 'choice' ? ['a', 'b'] : null, required };
}

function values(entries: [string, FieldValue][]): Map<string, FieldValue> {
  return new Map(entries);
}

test('numbers, booleans, choices and text are typed by the parameter kind', () => {
  const specs = [
    spec('n', 'int'),
    spec('x', 'float'),
    spec('flag', 'bool'),
    spec('mode', 'choice'),
    spec('name', 'str')
  ];
  const got = collectParams(
    specs,
    values([
      ['n', ' 3 '],
      ['x', '0.5'],
      ['flag', true],
      ['mode', 'b'],
      ['name', 'relu']
    ])
  );
  assert.deepEqual(got, { params: { n: 3, x: 0.5, flag: true, mode: 'b', name: 'relu' } });
});

test('empty optional fields are left out so the rule default applies', () => {
  const specs = [spec('n', 'int'), spec('mode', 'choice'), spec('flag', 'bool')];
  const got = collectParams(specs, values([['n', ''], ['mode', ''], ['flag', false]]));
  assert.deepEqual(got, { params: { flag: false } });
});

test('an empty optional text field is sent as an empty string', () => {
  assert.deepEqual(collectParams([spec('name', 'str')], values([['name', '']])), {
    params: { name: '' }
  });
});

test('empty required fields are errors naming the parameter', () => {
  for (const kind of ['int', 'float', 'choice', 'str'] as IParamForm['kind'][]) {
    const got = collectParams([spec('size', kind, true)], values([['size', '']]));
    assert.deepEqual(got, { error: 'size is required.' }, kind);
  }
});

test('a non-number or a fraction for an int is refused', () => {
  assert.deepEqual(collectParams([spec('n', 'float')], values([['n', 'abc']])), {
    error: 'n must be a number.'
  });
  assert.deepEqual(collectParams([spec('n', 'int')], values([['n', '2.5']])), {
    error: 'n must be an integer.'
  });
  assert.deepEqual(collectParams([spec('n', 'int')], values([['n', 'Infinity']])), {
    error: 'n must be a number.'
  });
});

test('the first bad field wins and parameters without a field are skipped', () => {
  const specs = [spec('a', 'int'), spec('missing', 'int', true), spec('b', 'int')];
  assert.deepEqual(collectParams(specs, values([['a', 'x'], ['b', 'y']])), {
    error: 'a must be a number.'
  });
  assert.deepEqual(collectParams(specs, values([['a', '1'], ['b', '2']])), {
    params: { a: 1, b: 2 }
  });
});
