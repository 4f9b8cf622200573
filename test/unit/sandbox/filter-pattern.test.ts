import { describe, expect, it } from 'vitest';
import { matchesAnyPattern } from '../../../sandbox/pollers/filter-pattern.ts';

const orderInsert = {
  eventName: 'INSERT',
  dynamodb: { Keys: { pk: { S: 'order#1' } }, NewImage: { __edb_e__: { S: 'order' }, total: { N: '25' }, tags: { SS: ['a', 'b'] } } },
};
const matches = (pattern: unknown, record: unknown = orderInsert) => matchesAnyPattern([pattern], record);

describe('matchesAnyPattern', () => {
  it('lets everything through without filters', () => {
    expect(matchesAnyPattern([], orderInsert)).toBe(true);
  });

  it('matches exact values, any of a list, nested', () => {
    const pattern = { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { __edb_e__: { S: ['order'] } } } };
    expect(matches(pattern)).toBe(true);
    expect(matches(pattern, { ...orderInsert, eventName: 'REMOVE' })).toBe(false);
    expect(matches({ dynamodb: { NewImage: { __edb_e__: { S: ['user'] } } } })).toBe(false);
  });

  it('passes a record when any of several patterns matches', () => {
    expect(matchesAnyPattern([{ eventName: ['REMOVE'] }, { eventName: ['INSERT'] }], orderInsert)).toBe(true);
  });

  it('supports prefix, suffix, equals-ignore-case and anything-but', () => {
    expect(matches({ dynamodb: { Keys: { pk: { S: [{ prefix: 'order#' }] } } } })).toBe(true);
    expect(matches({ dynamodb: { Keys: { pk: { S: [{ suffix: '#1' }] } } } })).toBe(true);
    expect(matches({ eventName: [{ 'equals-ignore-case': 'insert' }] })).toBe(true);
    expect(matches({ eventName: [{ 'anything-but': ['REMOVE'] }] })).toBe(true);
    expect(matches({ eventName: [{ 'anything-but': 'INSERT' }] })).toBe(false);
    expect(matches({ dynamodb: { Keys: { pk: { S: [{ 'anything-but': { prefix: 'order#' } }] } } } })).toBe(false);
  });

  it('supports exists, including on missing branches', () => {
    expect(matches({ dynamodb: { OldImage: [{ exists: false }] } })).toBe(true);
    expect(matches({ dynamodb: { NewImage: { total: [{ exists: true }] } } })).toBe(true);
    expect(matches({ dynamodb: { OldImage: { total: [{ exists: false }] } } })).toBe(true);
  });

  it('compares numbers only with numeric (DynamoDB N values are strings)', () => {
    expect(matches({ size: [{ numeric: ['>', 0, '<=', 5] }] }, { size: 5 })).toBe(true);
    expect(matches({ size: [{ numeric: ['>', 5] }] }, { size: 5 })).toBe(false);
    expect(matches({ dynamodb: { NewImage: { total: { N: [{ numeric: ['>', 0] }] } } } })).toBe(false);
  });

  it('matches array values when any element matches', () => {
    expect(matches({ dynamodb: { NewImage: { tags: { SS: ['b'] } } } })).toBe(true);
  });

  it('supports $or', () => {
    expect(matches({ $or: [{ eventName: ['REMOVE'] }, { dynamodb: { Keys: { pk: { S: [{ prefix: 'order' }] } } } }] })).toBe(true);
    expect(matches({ $or: [{ eventName: ['REMOVE'] }, { eventName: ['MODIFY'] }] })).toBe(false);
  });
});
