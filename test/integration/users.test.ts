import { beforeAll, describe, expect, it } from 'vitest';
import { call, tokenFor, unique } from './client.ts';
import { commands, inProcess } from './in-process.ts';

/**
 * Users on the sandbox: PUT /me keeps emails unique across users under concurrency, an email
 * change frees the old address, and AP1/AP2 are one request each (counted in-process).
 */
let harness: Awaited<ReturnType<typeof inProcess>>;
beforeAll(async () => {
  harness = await inProcess();
});

const emailOf = (label: string) => `${unique(label)}@example.com`;
const putMe = (token: string, body: Record<string, unknown>) => call('PUT', '/me', { token, body });

async function signedIn(): Promise<{ userId: string; token: string }> {
  const userId = unique('u');
  return { userId, token: await tokenFor(userId) };
}

async function claimOwner(email: string): Promise<string | undefined> {
  const { findUserByEmail } = await import('../../lambdas/adapters/user-store.ts');
  return (await findUserByEmail(email))?.userId;
}

describe('PUT /me keeps emails unique', () => {
  it('lets exactly one of 20 users who claim one email at once have it', async () => {
    const email = emailOf('contested');
    const users = await Promise.all(Array.from({ length: 20 }, signedIn));
    const replies = await Promise.all(users.map(({ token }) => putMe(token, { email, name: 'Racer' })));

    const winners = users.filter((_, i) => replies[i]!.status === 200);
    const losers = replies.filter((reply) => reply.status !== 200);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    for (const reply of losers) {
      expect(reply.status).toBe(409);
      expect(reply.body.error.code).toBe('EMAIL_TAKEN');
    }
    expect(await claimOwner(email)).toBe(winners[0]!.userId);
    // A loser wrote nothing: it still has no profile.
    const loser = users.find((user) => user !== winners[0])!;
    expect((await call('GET', '/me', { token: loser.token })).status).toBe(404);
  });

  it('frees the old email when a user changes theirs, and treats letter case as the same address', async () => {
    const [ada, bob] = await Promise.all([signedIn(), signedIn()]);
    const first = emailOf('first');
    const second = emailOf('second');
    expect((await putMe(ada.token, { email: first })).status).toBe(200);

    const taken = await putMe(bob.token, { email: first.toUpperCase() });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('EMAIL_TAKEN');

    expect((await putMe(ada.token, { email: second })).status).toBe(200);
    expect((await putMe(bob.token, { email: first })).status).toBe(200);
    expect(await claimOwner(first)).toBe(bob.userId);
    expect(await claimOwner(second)).toBe(ada.userId);
    expect((await putMe(bob.token, { email: second })).body.error.code).toBe('EMAIL_TAKEN');

    // Changing only the letter case keeps the claim: no one else can slip in.
    const recased = await putMe(ada.token, { email: second.toUpperCase() });
    expect(recased.status).toBe(200);
    expect(recased.body.email).toBe(second.toUpperCase());
    expect(await claimOwner(second)).toBe(ada.userId);
  });

  it('keeps one claim per user under concurrent email changes of the same user', async () => {
    const user = await signedIn();
    expect((await putMe(user.token, { email: emailOf('start') })).status).toBe(200);
    const candidates = Array.from({ length: 5 }, () => emailOf('switch'));
    const replies = await Promise.all(candidates.map((email) => putMe(user.token, { email })));
    expect(replies.every((reply) => reply.status === 200 || reply.body.error.code === 'CONFLICT')).toBe(true);

    const final = (await call('GET', '/me', { token: user.token })).body.email;
    const owners = await Promise.all(candidates.map(claimOwner));
    // Every address but the one the user ended with is free again: no orphan claim.
    expect(candidates.filter((_, i) => owners[i] === user.userId)).toEqual([final]);
  });
});

describe('the profile', () => {
  it('takes a name or its parts, and answers both', async () => {
    const { token } = await signedIn();
    const email = emailOf('profile');
    const created = await putMe(token, { email, name: 'Grace Brewster Hopper', phone: '+1 555 0100', preferences: { newsletter: true } });
    expect(created.status).toBe(200);
    expect(created.body.profile).toEqual({
      givenName: 'Grace',
      familyName: 'Brewster Hopper',
      name: 'Grace Brewster Hopper',
      phone: '+1 555 0100',
      preferences: { newsletter: true },
    });

    expect((await putMe(token, { email, familyName: 'Hopper' })).status).toBe(200);
    const me = await call('GET', '/me', { token });
    expect(me.body).toMatchObject({
      email,
      status: 'active',
      profile: { givenName: 'Grace', familyName: 'Hopper', name: 'Grace Hopper', phone: '+1 555 0100', preferences: { newsletter: true } },
    });

    const both = await putMe(token, { email, name: 'G H', givenName: 'G' });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('access patterns of users', () => {
  let userId: string;
  let email: string;
  beforeAll(async () => {
    const user = await signedIn();
    userId = user.userId;
    email = emailOf('ap');
    expect((await putMe(user.token, { email, givenName: 'Ada', familyName: 'Lovelace' })).status).toBe(200);
  });

  it('AP1 get user: one GetItem', async () => {
    const { getUser } = await import('../../lambdas/adapters/user-store.ts');
    const { result, requests } = await harness.count(() => getUser(userId));
    expect(result).toMatchObject({ userId, email, schemaVersion: 2, profile: { givenName: 'Ada', familyName: 'Lovelace' } });
    expect(commands(requests)).toEqual(['GetItemCommand']);
  });

  it('AP2 find user by email, in any letter case: one GetItem on the claim', async () => {
    const { findUserByEmail } = await import('../../lambdas/adapters/user-store.ts');
    const { result, requests } = await harness.count(() => findUserByEmail(email.toUpperCase()));
    expect(result?.userId).toBe(userId);
    expect(commands(requests)).toEqual(['GetItemCommand']);
    expect(requests[0]!.input.Key).toEqual({ pk: `$commerce#email_${email}`, sk: '$userEmail_1' });

    const nobody = await harness.count(() => findUserByEmail(emailOf('nobody')));
    expect(nobody.result).toBeUndefined();
    expect(commands(nobody.requests)).toEqual(['GetItemCommand']);
  });
});
