import { describe, expect, it } from 'vitest';
import { RuntimeMismatchError, UnsupportedTemplateError } from '../../../sandbox/errors.ts';
import { checkRuntimes, nodeMajorOf } from '../../../sandbox/functions/runtime.ts';
import type { FunctionSpec } from '../../../sandbox/topology/functions.ts';

const fn = (logicalId: string, runtime: string) => ({ logicalId, runtime }) as FunctionSpec;

describe('function runtimes', () => {
  it('read the Node.js major of a nodejsNN.x runtime and refuse any other runtime', () => {
    expect(nodeMajorOf('nodejs24.x')).toBe(24);
    expect(nodeMajorOf('nodejs22.x')).toBe(22);
    expect(() => nodeMajorOf('python3.13')).toThrow(UnsupportedTemplateError);
    expect(() => nodeMajorOf('')).toThrow(UnsupportedTemplateError);
  });

  it('are what the sandbox runs when the majors match', () => {
    expect(checkRuntimes([fn('A', 'nodejs24.x'), fn('B', 'nodejs24.x')], '24.21.0')).toEqual({
      A: { runtime: 'nodejs24.x', node: '24.21.0' },
      B: { runtime: 'nodejs24.x', node: '24.21.0' },
    });
  });

  it('refuse to run a function on another Node.js major, naming it', () => {
    expect(() => checkRuntimes([fn('A', 'nodejs24.x'), fn('Old', 'nodejs22.x')], '24.21.0')).toThrow(RuntimeMismatchError);
    expect(() => checkRuntimes([fn('A', 'nodejs24.x')], '20.20.2')).toThrow(/A declare nodejs24\.x, but this sandbox runs Node\.js 20\.20\.2/);
  });
});
