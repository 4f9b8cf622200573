import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settings } from '../../../lib/settings.ts';
import { UnsupportedTemplateError } from '../../../sandbox/errors.ts';
import { TemplateResolver } from '../../../sandbox/intrinsics.ts';
import { readSchedules } from '../../../sandbox/schedules.ts';
import { resourcesOfType, synthesizeTemplate, type CfnTemplate } from '../../../sandbox/template.ts';
import { readEventSourceMappings, readFunctions } from '../../../sandbox/topology/functions.ts';
import { readHttpApi } from '../../../sandbox/topology/routes.ts';
import { readQueues, readTables } from '../../../sandbox/topology/storage.ts';

/** The sandbox reads the real app: these run against the template `npm start` synthesizes. */
let template: CfnTemplate;
let outdir: string;
const logicalId = (type: string, fragment: string) => resourcesOfType(template, type).find(([id]) => id.includes(fragment))![0];

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'sandbox-template-test-'));
  template = synthesizeTemplate(outdir);
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('TemplateResolver on the synthesized template', () => {
  it('resolves pseudo parameters, Fn::Join and Fn::Sub', () => {
    const resolver = new TemplateResolver(template);
    expect(resolver.resolve({ Ref: 'AWS::Region' })).toBe('us-east-1');
    expect(resolver.resolve({ 'Fn::Join': ['-', [{ Ref: 'AWS::AccountId' }, { Ref: 'AWS::Partition' }, 'x']] })).toBe('000000000000-aws-x');
    expect(resolver.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:x:::${AWS::StackName}-${!Literal}' })).toBe('arn:aws:x:::Commerce-${Literal}');
    const table = logicalId('AWS::DynamoDB::GlobalTable', 'DatabaseTable');
    expect(resolver.resolve({ 'Fn::Sub': `\${${table}}|\${${table}.Arn}` })).toBe(`${resolver.ref(table)}|${resolver.getAtt(table, 'Arn')}`);
  });

  it('resolves Fn::Sub variables, Fn::Select and Fn::Split', () => {
    const resolver = new TemplateResolver(template);
    expect(resolver.resolve({ 'Fn::Sub': ['${A}.${AWS::URLSuffix}', { A: 'api' }] })).toBe('api.amazonaws.com');
    expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] })).toBe('b');
  });

  it('names the table, queues and functions after their logical ids, stably', () => {
    const resolver = new TemplateResolver(template);
    const table = logicalId('AWS::DynamoDB::GlobalTable', 'DatabaseTable');
    const queue = logicalId('AWS::SQS::Queue', 'OrderQueue');
    expect(resolver.ref(table)).toBe(`Commerce-${table}`);
    expect(resolver.getAtt(table, 'Arn')).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/Commerce-${table}`);
    expect(resolver.getAtt(queue, 'Arn')).toBe(`arn:aws:sqs:us-east-1:000000000000:Commerce-${queue}`);
    expect(new TemplateResolver(template).ref(table)).toBe(resolver.ref(table));
  });

  it('resolves queue URLs and stream ARNs from the running services only', () => {
    const table = logicalId('AWS::DynamoDB::GlobalTable', 'DatabaseTable');
    const queue = logicalId('AWS::SQS::Queue', 'OrderQueue');
    expect(() => new TemplateResolver(template).ref(queue)).toThrow(UnsupportedTemplateError);
    const resolver = new TemplateResolver(template, { queueUrls: { [queue]: 'http://q' }, streamArns: { [table]: 'arn:stream' } });
    expect(resolver.ref(queue)).toBe('http://q');
    expect(resolver.getAtt(queue, 'QueueUrl')).toBe('http://q');
    expect(resolver.getAtt(table, 'StreamArn')).toBe('arn:stream');
  });

  it('resolves the JWT issuer to a fake but stable Cognito user pool', () => {
    const resolver = new TemplateResolver(template);
    const pool = logicalId('AWS::Cognito::UserPool', 'Users');
    expect(resolver.ref(pool)).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
    expect(resolver.getAtt(pool, 'ProviderURL')).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${resolver.ref(pool)}`);
  });

  it('refuses what it does not emulate', () => {
    const resolver = new TemplateResolver(template);
    expect(() => resolver.resolve({ 'Fn::ImportValue': 'x' })).toThrow(UnsupportedTemplateError);
    expect(() => resolver.getAtt(logicalId('AWS::SQS::Queue', 'OrderQueue'), 'Nope')).toThrow(UnsupportedTemplateError);
  });
});

describe('the topology read from the template', () => {
  const facts = () => {
    const table = logicalId('AWS::DynamoDB::GlobalTable', 'DatabaseTable');
    const queueUrls = Object.fromEntries(resourcesOfType(template, 'AWS::SQS::Queue').map(([id]) => [id, `http://sqs/${id}`]));
    return { queueUrls, streamArns: { [table]: 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/1' } };
  };

  it('has the table with its keys, GSIs, stream and TTL', () => {
    const [table] = readTables(template, new TemplateResolver(template));
    expect(table).toMatchObject({ streamViewType: 'NEW_AND_OLD_IMAGES', ttlAttribute: 'ttl' });
    expect(table!.keySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table!.globalSecondaryIndexes.map((index) => [index.IndexName, index.Projection?.ProjectionType])).toEqual([
      ['gsi1', 'ALL'],
      ['gsi2', 'ALL'],
      ['gsi3', 'ALL'],
    ]);
  });

  it('gives the order queue its redrive policy to the local DLQ', () => {
    const queues = readQueues(template, new TemplateResolver(template));
    const orderQueue = queues.find((queue) => queue.logicalId.includes('OrderQueue'))!;
    const deadLetters = queues.find((queue) => queue.logicalId.includes('OrderDlq'))!;
    expect(JSON.parse(orderQueue.attributes['RedrivePolicy']!)).toEqual({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 5 });
    expect(orderQueue.attributes['VisibilityTimeout']).toBe('180');
  });

  it('finds every function with its entry, timeout and unresolved environment', () => {
    const functions = readFunctions(template, new TemplateResolver(template));
    const settle = functions.find((fn) => fn.entry === 'lambdas/orders/settle-order.ts')!;
    expect(settle).toMatchObject({ handlerExport: 'handler', runtime: 'nodejs24.x', timeoutSeconds: 30, memoryMb: 1024 });
    expect(settle.environment['TABLE_NAME']).toEqual({ Ref: logicalId('AWS::DynamoDB::GlobalTable', 'DatabaseTable') });
  });

  it('reads the SQS and stream mappings with Lambda defaults filled in', () => {
    const resolver = new TemplateResolver(template, facts());
    const functions = readFunctions(template, resolver);
    const mappings = readEventSourceMappings(template, resolver, functions, facts().streamArns);
    const sqs = mappings.find((mapping) => mapping.kind === 'sqs')!;
    const projector = functions.find((fn) => fn.entry === 'lambdas/projections/project-orders.ts')!;
    const stream = mappings.find((mapping) => mapping.kind === 'dynamodb-stream' && mapping.functionLogicalId === projector.logicalId)!;
    // The numbers the stack sized (lib/settings.ts, the settlement sizing rule): the sandbox polls with them too.
    expect(sqs).toMatchObject({ batchSize: settings.settlementBatchSize, batchingWindowSeconds: 0, reportBatchItemFailures: true, maximumConcurrency: settings.settlementMaxConcurrency });
    expect(stream).toMatchObject({
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 5,
      maximumRecordAgeSeconds: 86400,
      reportBatchItemFailures: true,
      onFailureQueueLogicalId: expect.stringContaining('ProjectionFailures'),
      filterPatterns: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { __edb_e__: { S: ['order'] } } } }],
    });
  });

  it('reads the outbox relay mapping and the backstop schedule', () => {
    const resolver = new TemplateResolver(template, facts());
    const functions = readFunctions(template, resolver);
    const relay = functions.find((fn) => fn.entry === 'lambdas/orders/relay-placed-orders.ts')!;
    const backstop = functions.find((fn) => fn.entry === 'lambdas/orders/backstop.ts')!;
    const mapping = readEventSourceMappings(template, resolver, functions, facts().streamArns).find((m) => m.functionLogicalId === relay.logicalId);
    expect(mapping).toMatchObject({
      kind: 'dynamodb-stream',
      reportBatchItemFailures: true,
      bisectBatchOnFunctionError: true,
      onFailureQueueLogicalId: expect.stringContaining('OutboxFailures'),
      filterPatterns: [
        { eventName: ['INSERT'], dynamodb: { NewImage: { __edb_e__: { S: ['order'] }, status: { S: ['PENDING'] } } } },
        { eventName: ['INSERT'], dynamodb: { NewImage: { __edb_e__: { S: ['orderEvent'] } } } },
      ],
    });
    expect(readSchedules(template, resolver, functions)).toEqual([
      { logicalId: expect.stringContaining('BackstopSchedule'), expression: 'rate(1 minute)', intervalMs: 60_000, functionLogicalIds: [backstop.logicalId] },
    ]);
    expect(backstop.environment).toMatchObject({ PENDING_ORDER_TIMEOUT_SECONDS: '300', PENDING_ORDER_MAX_REDRIVES: '3' });
  });

  it('maps every route to its function and protects non-public routes with the JWT authorizer', () => {
    const resolver = new TemplateResolver(template, facts());
    const functions = readFunctions(template, resolver);
    const api = readHttpApi(template, resolver, functions);
    const route = (key: string) => api.routes.find((candidate) => candidate.routeKey === key)!;
    const catalog = functions.find((fn) => fn.entry === 'lambdas/catalog/api.ts')!;
    expect(route('GET /health')).toMatchObject({ functionLogicalId: catalog.logicalId, authorizer: undefined });
    expect(route('GET /products/{productId}').functionLogicalId).toBe(catalog.logicalId);
    const pool = resolver.ref(logicalId('AWS::Cognito::UserPool', 'Users'));
    expect(route('GET /me').authorizer).toMatchObject({
      issuer: `https://cognito-idp.us-east-1.amazonaws.com/${pool}`,
      audience: [resolver.ref(logicalId('AWS::Cognito::UserPoolClient', 'ApiClient'))],
      identitySource: '$request.header.Authorization',
    });
  });
});
