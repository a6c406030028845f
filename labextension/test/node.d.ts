/**
 * The few Node.js APIs the unit tests use (node's built-in test runner and
 * assert), declared here so the tests need no @types/node.
 */
declare module 'node:test' {
  export function test(name: string, fn: () => void | Promise<void>): void;
}

declare module 'node:assert/strict' {
  function ok(value: unknown, message?: string): asserts value;
  function equal(actual: unknown, expected: unknown, message?: string): void;
  function deepEqual(actual: unknown, expected: unknown, message?: string): void;
  const assert: { ok: typeof ok; equal: typeof equal; deepEqual: typeof deepEqual };
  export default assert;
}
