import { describe, expect, it } from 'vitest';
import { appFunctions, type AppFunction, asyncWiring, grantsOf, refId, resource, single } from './inspect.ts';
import { synthesize } from './synth.ts';

const synthesized = synthesize({ bundling: false });
const { template } = synthesized;
const functions = appFunctions(synthesized);

// Logical ids read as names, so expectations below say `<Table.Arn>` rather than a hash.
const [tableId] = single(template, 'AWS::DynamoDB::GlobalTable');
const { orderQueueId, failureQueueId, outboxFailuresId } = asyncWiring(template);

/** `action on resource` lines of a function's role, with logical ids replaced by names. */
function grants(fn: AppFunction): string[] {
  const names: Record<string, string> = {
    [tableId]: 'Table',
    [orderQueueId]: 'OrderQueue',
    [failureQueueId]: 'ProjectionFailures',
    [outboxFailuresId]: 'OutboxFailures',
    [refId(fn.properties.LoggingConfig.LogGroup)]: 'OwnLogGroup',
  };
  return grantsOf(template, fn.roleId)
    .map(({ action, resource: res }) => `${action} on ${res.replace(/<([^.>]+)/g, (_, id: string) => `<${names[id] ?? id}`)}`)
    .sort();
}

const on = (resourceName: string, ...actions: string[]) => actions.map((a) => `dynamodb:${a} on ${resourceName}`);
const TABLE = '<Table.Arn>';
const PENDING_INDEX = '<Table.Arn>/index/gsi3';
const STREAM = '<Table.StreamArn>';

/**
 * The reviewed DynamoDB access of each function, as a readable list. That it is exactly what the
 * code calls is proven by test/integration/exact-grants.test.ts against the calls recorded in the
 * sandbox; a new call means a deliberate change here and in the construct that grants it.
 */
const dynamodbAccess: Record<string, string[]> = {
  'lambdas/catalog/api.ts': [...on(TABLE, 'BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query'), ...on(`${TABLE}/index/gsi1`, 'Query')],
  'lambdas/me/api.ts': on(TABLE, 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'),
  'lambdas/orders/api.ts': on(TABLE, 'GetItem', 'PutItem', 'Query'),
  'lambdas/orders/relay-placed-orders.ts': on(STREAM, 'DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams'),
  'lambdas/orders/backstop.ts': [...on(TABLE, 'PutItem', 'UpdateItem'), ...on(PENDING_INDEX, 'Query')],
  'lambdas/admin/api.ts': [...on(TABLE, 'Query', 'UpdateItem'), ...on(`${TABLE}/index/gsi1`, 'Query'), ...on(`${TABLE}/index/gsi2`, 'Query')],
  'lambdas/metrics/api.ts': on(TABLE, 'BatchWriteItem'),
  'lambdas/notifications/notify-customer.ts': on(TABLE, 'DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'),
  'lambdas/contract/api.ts': [],
  'lambdas/orders/settle-order.ts': on(TABLE, 'BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'),
  'lambdas/projections/project-orders.ts': [
    ...on(TABLE, 'BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem'),
    ...on(STREAM, 'DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams'),
  ],
  'lambdas/projections/project-metrics.ts': [
    ...on(TABLE, 'UpdateItem'),
    ...on(STREAM, 'DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams'),
  ],
};

const entriesWith = (predicate: (grant: string) => boolean) =>
  functions.filter((fn) => grants(fn).some(predicate)).map((fn) => fn.entry).sort();

describe('function roles', () => {
  it('every function has a reviewed DynamoDB access list', () => {
    expect(functions.map((fn) => fn.entry).sort()).toEqual(Object.keys(dynamodbAccess).sort());
  });

  describe.each(functions)('$entry', (fn) => {
    it('is assumed by Lambda only and carries no managed policy', () => {
      const role = resource(template, fn.roleId).Properties;
      expect(role.ManagedPolicyArns ?? []).toEqual([]);
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
    });

    it('has exactly its reviewed DynamoDB actions', () => {
      expect(grants(fn).filter((g) => g.startsWith('dynamodb:'))).toEqual([...(dynamodbAccess[fn.entry] ?? [])].sort());
    });

    it('writes only to its own log group and reaches `*` only for X-Ray', () => {
      for (const grant of grants(fn)) {
        if (grant.startsWith('logs:')) expect(grant).toMatch(/ on <OwnLogGroup\.Arn>$/);
        if (grant.endsWith(' on *')) expect(grant).toMatch(/^xray:(PutTraceSegments|PutTelemetryRecords) on \*$/);
      }
    });

    it('uses no wildcard action, no Scan and no table administration', () => {
      for (const grant of grants(fn)) {
        const action = grant.split(' ')[0]!;
        expect(action).not.toContain('*');
        expect(action).not.toMatch(/^dynamodb:(Scan|PartiQL|DeleteTable|UpdateTable|CreateTable)/);
      }
    });
  });

  it('only the functions that query a GSI can read /index/*', () => {
    expect(entriesWith((g) => g.includes('/index/'))).toEqual(['lambdas/admin/api.ts', 'lambdas/catalog/api.ts', 'lambdas/orders/backstop.ts']);
  });

  it('only the outbox relay and the backstop can enqueue orders; the API records them only', () => {
    expect(entriesWith((g) => g === 'sqs:SendMessage on <OrderQueue.Arn>')).toEqual(['lambdas/orders/backstop.ts', 'lambdas/orders/relay-placed-orders.ts']);
  });

  it('only the settle-order worker can consume orders', () => {
    expect(entriesWith((g) => /^sqs:(ReceiveMessage|DeleteMessage) on <OrderQueue\.Arn>$/.test(g))).toEqual([
      'lambdas/orders/settle-order.ts',
    ]);
  });

  it('only the two projectors and the outbox relay read the stream; each writes its own failure queue', () => {
    const projectors = ['lambdas/projections/project-metrics.ts', 'lambdas/projections/project-orders.ts'];
    expect(entriesWith((g) => g.endsWith(`on ${STREAM}`))).toEqual(['lambdas/orders/relay-placed-orders.ts', ...projectors]);
    expect(entriesWith((g) => g === 'sqs:SendMessage on <ProjectionFailures.Arn>')).toEqual(projectors);
    expect(entriesWith((g) => g === 'sqs:SendMessage on <OutboxFailures.Arn>')).toEqual(['lambdas/orders/relay-placed-orders.ts']);
  });

  it('only the metrics projector writes to the archive, and only objects under metrics/', () => {
    expect(entriesWith((g) => g.startsWith('s3:'))).toEqual(['lambdas/projections/project-metrics.ts']);
    const metrics = functions.find((fn) => fn.entry === 'lambdas/projections/project-metrics.ts')!;
    expect(grants(metrics).filter((g) => g.startsWith('s3:'))).toEqual([expect.stringMatching(/^s3:PutObject on <\w*MetricsArchive\w*\.Arn>\/metrics\/\*$/)]);
  });
});
