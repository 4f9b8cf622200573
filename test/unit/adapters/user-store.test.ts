import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { userStore } from '../../../lambdas/adapters/user-store.ts';
import { saveProfile } from '../../../lambdas/me/save-profile.ts';

/**
 * The user store's requests, with the SDK mocked, driven by the PUT /me use case: the email claim,
 * the revision guard, the release of the old claim, and what each cancellation means.
 */
const dynamo = mockClient(DynamoDBDocumentClient);

const userKey = { pk: '$commerce#userId_user-1', sk: '$account#user_1' };
const identity = { __edb_e__: 'user', __edb_v__: '1' };
const storedUser = (fields: Record<string, unknown>) => ({
  ...userKey,
  ...identity,
  userId: 'user-1',
  status: 'active',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  ...fields,
});

const putMe = (update: { email: string; name?: string; familyName?: string }) =>
  saveProfile({ userId: 'user-1', update }, { users: userStore, now: () => new Date().toISOString() });
const canceled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
const transactions = () => dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(TransactWriteCommand).resolves({});
});

describe('userStore.commitProfile', () => {
  it('claims the lower-cased email and creates the user (schema 2) in one transaction', async () => {
    const result = await putMe({ email: 'Ada@Example.com', name: 'Ada  Lovelace' });
    expect(result).toMatchObject({ outcome: 'saved', user: { userId: 'user-1', email: 'Ada@Example.com', status: 'active' } });

    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ Key: userKey, ConsistentRead: true });
    const [items] = transactions();
    expect(items).toHaveLength(2);
    const [claim, user] = items!;
    expect(claim!.Put).toMatchObject({
      Item: { pk: '$commerce#email_ada@example.com', userId: 'user-1' },
      ConditionExpression: 'attribute_not_exists(#userId) OR #userId = :userId0',
      ExpressionAttributeValues: { ':userId0': 'user-1' },
    });
    expect(user!.Put).toMatchObject({ Item: { ...userKey, schemaVersion: 2, revision: 1 }, ConditionExpression: 'attribute_not_exists(#userId)' });
    expect(user!.Put!.Item!.profile).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
  });

  it('gives up the old claim when the email changes, on condition the user is still the revision read', async () => {
    dynamo.on(GetCommand).resolves({ Item: storedUser({ email: 'old@example.com', schemaVersion: 2, revision: 3, profile: { givenName: 'Ada', phone: '+1 555' } }) });
    const result = await putMe({ email: 'new@example.com', familyName: 'King' });
    expect(result.outcome === 'saved' && result.user.profile).toEqual({ givenName: 'Ada', familyName: 'King', phone: '+1 555' });

    const [items] = transactions();
    expect(items!.map((item) => Object.keys(item)[0])).toEqual(['Put', 'Put', 'Delete']);
    expect(items![1]!.Put).toMatchObject({ Item: { revision: 4, email: 'new@example.com' }, ConditionExpression: '#revision = :revision0', ExpressionAttributeValues: { ':revision0': 3 } });
    expect(items![2]!.Delete).toMatchObject({
      Key: { pk: '$commerce#email_old@example.com' },
      ConditionExpression: 'attribute_not_exists(#userId) OR #userId = :userId0',
    });
  });

  it('keeps the claim when only the letter case of the email changes', async () => {
    dynamo.on(GetCommand).resolves({ Item: storedUser({ email: 'ada@example.com', schemaVersion: 2, revision: 1 }) });
    expect((await putMe({ email: 'ADA@example.com' })).outcome).toBe('saved');
    expect(transactions()[0]!.map((item) => Object.keys(item)[0])).toEqual(['Put', 'Put']);
  });

  it("answers email-taken when another user holds the email's claim, without retrying", async () => {
    dynamo.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed', 'None'));
    const result = await putMe({ email: 'taken@example.com' });
    expect(result.outcome).toBe('email-taken');
    expect(transactions()).toHaveLength(1);
  });

  it('reads again and retries when a concurrent write conflicted or the user changed meanwhile', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(canceled('TransactionConflict', 'None'))
      .rejectsOnce(canceled('None', 'ConditionalCheckFailed'))
      .resolves({});
    expect((await putMe({ email: 'busy@example.com' })).outcome).toBe('saved');
    expect(transactions()).toHaveLength(3);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(3);
  });

  it('answers contended when the user keeps changing under it', async () => {
    dynamo.on(TransactWriteCommand).rejects(canceled('None', 'ConditionalCheckFailed'));
    const result = await putMe({ email: 'busy@example.com' });
    expect(result.outcome).toBe('contended');
  });

  it("leaves an old email another user claimed (data from before claims) and still saves", async () => {
    dynamo.on(GetCommand).resolves({ Item: storedUser({ email: 'shared@example.com', profile: { name: 'Old Timer' } }) });
    dynamo.on(TransactWriteCommand).rejectsOnce(canceled('None', 'None', 'ConditionalCheckFailed')).resolves({});
    const result = await putMe({ email: 'mine@example.com' });
    expect(result.outcome).toBe('saved');
    const [first, second] = transactions();
    expect(first).toHaveLength(3);
    expect(second!.map((item) => Object.keys(item)[0])).toEqual(['Put', 'Put']);
    // A version-1 item has no revision yet: the write is guarded on exactly that.
    expect(second![1]!.Put!.ConditionExpression).toBe('attribute_exists(#userId) AND attribute_not_exists(#revision)');
    expect(second![1]!.Put!.Item).toMatchObject({ schemaVersion: 2, revision: 1, profile: { givenName: 'Old', familyName: 'Timer' } });
  });
});

describe('userStore.account', () => {
  it('reads a schema-1 user as schema 2, with one Query of the account collection', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [storedUser({ email: 'ada@example.com', profile: { name: 'Ada King Lovelace', phone: '+44 20' } })],
    });
    const account = await userStore.account('user-1');
    expect(account).toEqual({
      user: expect.objectContaining({
        userId: 'user-1',
        email: 'ada@example.com',
        status: 'active',
        profile: { givenName: 'Ada', familyName: 'King Lovelace', phone: '+44 20' },
        schemaVersion: 2,
        createdAt: '2025-01-01T00:00:00.000Z',
      }),
    });
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);
  });
});
