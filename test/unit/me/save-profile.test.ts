import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../../../lambdas/domain/user-profile.ts';
import { saveProfile } from '../../../lambdas/me/save-profile.ts';
import { fakeUsers } from '../shop-fakes.ts';

const NOW = '2026-11-24T10:00:00.000Z';
const user = (fields: Partial<UserRecord>): UserRecord => ({
  userId: 'user-1',
  email: 'ada@example.com',
  status: 'active',
  profile: {},
  schemaVersion: 2,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  ...fields,
});

function setup(users: UserRecord[] = [], claims: Record<string, string> = {}) {
  const fake = fakeUsers(users, claims);
  return { users: fake.state, ports: { users: fake.store, now: () => NOW } };
}

describe('saveProfile', () => {
  it('creates the user (schema 2, revision 1) from a consistent read, with the name split into its parts', async () => {
    const { users, ports } = setup();
    const saved = await saveProfile({ userId: 'user-1', update: { email: 'Ada@Example.com', name: 'Ada  Lovelace' } }, ports);
    expect(saved).toEqual({ outcome: 'saved', user: expect.objectContaining({ email: 'Ada@Example.com', status: 'active', schemaVersion: 2, revision: 1 }) });
    expect(saved.outcome === 'saved' && saved.user.profile).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
    expect(users.reads).toEqual([{ userId: 'user-1', consistent: true }]);
    expect(users.claims.get('ada@example.com')).toBe('user-1');
  });

  it('moves the revision on and keeps what the update does not name', async () => {
    const { users, ports } = setup([user({ email: 'old@example.com', revision: 3, profile: { givenName: 'Ada', phone: '+1 555' } })]);
    const saved = await saveProfile({ userId: 'user-1', update: { email: 'new@example.com', familyName: 'King' } }, ports);
    expect(saved.outcome === 'saved' && saved.user).toMatchObject({ revision: 4, email: 'new@example.com', profile: { givenName: 'Ada', familyName: 'King', phone: '+1 555' } });
    expect(users.commits[0]!.releasePreviousEmail).toBe(true);
    expect([...users.claims.keys()]).toEqual(['new@example.com']);
  });

  it("answers email-taken when another user holds the email's claim, without retrying", async () => {
    const { users, ports } = setup([], { 'taken@example.com': 'user-2' });
    expect(await saveProfile({ userId: 'user-1', update: { email: 'taken@example.com' } }, ports)).toEqual({ outcome: 'email-taken' });
    expect(users.commits).toHaveLength(1);
  });

  it('reads again and retries when a concurrent write conflicted or the user changed meanwhile', async () => {
    const { users, ports } = setup();
    users.interfere = ['contended', 'contended'];
    expect((await saveProfile({ userId: 'user-1', update: { email: 'busy@example.com' } }, ports)).outcome).toBe('saved');
    expect(users.commits).toHaveLength(3);
    expect(users.reads).toHaveLength(3);
  });

  it('answers contended when the user keeps changing under it', async () => {
    const { users, ports } = setup();
    users.interfere = Array.from({ length: 99 }, () => 'contended' as const);
    expect(await saveProfile({ userId: 'user-1', update: { email: 'busy@example.com' } }, ports)).toEqual({ outcome: 'contended' });
  });

  it('leaves an old email another user claimed (data from before claims) and still saves', async () => {
    const { users, ports } = setup([user({ email: 'shared@example.com', profile: { givenName: 'Old', familyName: 'Timer' } })], { 'shared@example.com': 'user-2' });
    const saved = await saveProfile({ userId: 'user-1', update: { email: 'mine@example.com' } }, ports);
    expect(saved.outcome).toBe('saved');
    expect(users.commits.map((commit) => commit.releasePreviousEmail)).toEqual([true, false]);
    expect(users.claims.get('shared@example.com')).toBe('user-2');
    expect(users.claims.get('mine@example.com')).toBe('user-1');
  });
});
