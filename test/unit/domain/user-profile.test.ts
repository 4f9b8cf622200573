import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyProfileUpdate,
  displayName,
  emailClaims,
  mergeProfile,
  profileView,
  splitName,
  upgradeUser,
  USER_SCHEMA_VERSION,
  type UserRecord,
} from '../../../lambdas/domain/user-profile.ts';

const word = fc.stringMatching(/^\S{1,12}$/);
const spacing = fc.constantFrom(' ', '  ', '\t', ' \n ');
/** Any name a version-1 client could have sent, odd spacing included. */
const name = fc
  .tuple(fc.option(spacing, { nil: '' }), fc.array(fc.tuple(word, spacing), { minLength: 1, maxLength: 5 }), fc.option(spacing, { nil: '' }))
  .map(([lead, words, tail]) => lead + words.map(([w, gap]) => w + gap).join('').trimEnd() + tail);
const collapsed = (text: string) => text.trim().split(/\s+/).join(' ');

const preferences = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const v1User = fc.record(
  {
    userId: fc.string({ minLength: 1, maxLength: 12 }),
    email: fc.emailAddress(),
    status: fc.constantFrom('active' as const, 'suspended' as const, 'deleted' as const),
    createdAt: fc.constant('2025-01-02T03:04:05.000Z'),
    schemaVersion: fc.constantFrom(1, undefined),
    profile: fc.record({ name, phone: fc.constant('+1 555 0100'), preferences }, { requiredKeys: [] }),
    // Raw items (the backfill's) carry ElectroDB's keys and identifiers: they must pass through.
    pk: fc.string(),
    __edb_e__: fc.constant('user'),
  },
  { requiredKeys: ['userId', 'email', 'createdAt', 'pk', '__edb_e__'] },
);
const v2User = fc.record({
  userId: fc.string({ minLength: 1, maxLength: 12 }),
  schemaVersion: fc.integer({ min: USER_SCHEMA_VERSION, max: USER_SCHEMA_VERSION + 3 }),
  profile: fc.record({ givenName: word, familyName: word, phone: fc.string(), preferences }, { requiredKeys: [] }),
});

describe('upgradeUser', () => {
  it('is idempotent on items of any version (property)', () => {
    fc.assert(
      fc.property(fc.oneof(v1User, v2User), (item) => {
        const once = upgradeUser(item);
        expect(upgradeUser(once)).toEqual(once);
      }),
    );
  });

  it('splits a version-1 name into parts that join back to it, and keeps every other field (property)', () => {
    fc.assert(
      fc.property(v1User, (item) => {
        const upgraded = upgradeUser(item);
        const { profile: before, schemaVersion: _old, ...rest } = item;
        const { profile: after, schemaVersion, ...upgradedRest } = upgraded;
        expect(schemaVersion).toBe(USER_SCHEMA_VERSION);
        expect(upgradedRest).toEqual(rest);
        expect(after).not.toHaveProperty('name');
        expect(displayName(after)).toBe(before?.name === undefined ? undefined : collapsed(before.name));
        expect(after.phone).toBe(before?.phone);
        expect(after.preferences).toEqual(before?.preferences);
      }),
    );
  });

  it('leaves current and newer items exactly as they are (property)', () => {
    fc.assert(
      fc.property(v2User, (item) => {
        expect(upgradeUser(item)).toEqual(item);
      }),
    );
  });

  it('reads a version-1 item the way the API shows it', () => {
    const upgraded = upgradeUser({ userId: 'u1', profile: { name: 'Ada King Lovelace', phone: '+44 20' } });
    expect(upgraded).toEqual({ userId: 'u1', schemaVersion: 2, profile: { givenName: 'Ada', familyName: 'King Lovelace', phone: '+44 20' } });
    expect(profileView(upgraded.profile)).toEqual({ givenName: 'Ada', familyName: 'King Lovelace', name: 'Ada King Lovelace', phone: '+44 20' });
    expect(upgradeUser({ userId: 'u2', schemaVersion: 1 }).profile).toEqual({});
  });
});

describe('names', () => {
  it('round-trips any name through its parts (property)', () => {
    fc.assert(
      fc.property(name, (text) => {
        expect(displayName(splitName(text))).toBe(collapsed(text));
      }),
    );
  });

  it('has no family name for a single word, and no name for no parts', () => {
    expect(splitName('Cher')).toEqual({ givenName: 'Cher' });
    expect(displayName({})).toBeUndefined();
    expect(profileView({ phone: '123' })).toEqual({ phone: '123' });
  });
});

describe('PUT /me updates', () => {
  const current: UserRecord = {
    userId: 'u1',
    email: 'ada@example.com',
    status: 'suspended',
    profile: { givenName: 'Ada', familyName: 'Lovelace', phone: '+1 555', preferences: { theme: 'dark' } },
    schemaVersion: 2,
    revision: 4,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-02T00:00:00.000Z',
    lastLoginAt: '2025-01-03T00:00:00.000Z',
  };

  it('replaces both parts with a name, and only the part sent otherwise', () => {
    expect(mergeProfile(current.profile, { email: 'x@y.z', name: 'Grace' })).toEqual({ givenName: 'Grace', phone: '+1 555', preferences: { theme: 'dark' } });
    expect(mergeProfile(current.profile, { email: 'x@y.z', familyName: 'King' })).toEqual({ ...current.profile, familyName: 'King' });
    expect(mergeProfile(current.profile, { email: 'x@y.z', phone: '+2' })).toEqual({ ...current.profile, phone: '+2' });
  });

  it('keeps status, creation and last login, moves the revision on and writes the current schema', () => {
    const next = applyProfileUpdate('u1', current, { email: 'ADA@example.com', givenName: 'Augusta' }, '2026-01-01T00:00:00.000Z');
    expect(next).toEqual({
      ...current,
      email: 'ADA@example.com',
      profile: { ...current.profile, givenName: 'Augusta' },
      revision: 5,
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const created = applyProfileUpdate('u2', undefined, { email: 'b@example.com', name: 'Bo Bee' }, '2026-01-01T00:00:00.000Z');
    expect(created).toMatchObject({ status: 'active', revision: 1, schemaVersion: 2, createdAt: '2026-01-01T00:00:00.000Z', profile: { givenName: 'Bo', familyName: 'Bee' } });
  });

  it('claims the lower-cased email, and releases the old one only when the address changed', () => {
    expect(emailClaims(undefined, 'Ada@Example.com')).toEqual({ claim: 'ada@example.com' });
    expect(emailClaims('ada@example.com', 'ADA@example.COM')).toEqual({ claim: 'ada@example.com' });
    expect(emailClaims('Ada@example.com', 'grace@example.com')).toEqual({ claim: 'grace@example.com', release: 'ada@example.com' });
  });
});
