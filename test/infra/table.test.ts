import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { single } from './inspect.ts';
import { synthesize } from './synth.ts';

const TABLE = 'AWS::DynamoDB::GlobalTable';

describe('the single table', () => {
  const { template } = synthesize({ bundling: false });
  const [, table] = single(template, TABLE);

  it('is the only table of the stack', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.resourceCountIs(TABLE, 1);
  });

  it('has the generic string keys pk/sk that every entity overloads', () => {
    template.hasResourceProperties(TABLE, {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    });
  });

  it('has exactly the GSIs gsi1, gsi2 and gsi3 (sparse: PENDING orders), keyed on string gsiNpk/gsiNsk', () => {
    const indexes = table.Properties.GlobalSecondaryIndexes;
    expect(indexes.map((index: { IndexName: string }) => index.IndexName)).toEqual(['gsi1', 'gsi2', 'gsi3']);
    for (const n of [1, 2, 3]) {
      expect(indexes[n - 1].KeySchema).toEqual([
        { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
        { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
      ]);
      expect(table.Properties.AttributeDefinitions).toEqual(
        expect.arrayContaining([
          { AttributeName: `gsi${n}pk`, AttributeType: 'S' },
          { AttributeName: `gsi${n}sk`, AttributeType: 'S' },
        ]),
      );
    }
  });

  it('streams new and old images for the projections', () => {
    template.hasResourceProperties(TABLE, { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } });
  });

  it('expires items through the ttl attribute', () => {
    template.hasResourceProperties(TABLE, { TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } });
  });

  it('is on-demand, with point-in-time recovery and contributor insights on the table and every GSI', () => {
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    const [replica, ...others] = table.Properties.Replicas;
    expect(others).toEqual([]);
    expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(replica.ContributorInsightsSpecification).toEqual({ Enabled: true });
    expect(replica.GlobalSecondaryIndexes).toEqual([
      { IndexName: 'gsi1', ContributorInsightsSpecification: { Enabled: true } },
      { IndexName: 'gsi2', ContributorInsightsSpecification: { Enabled: true } },
      { IndexName: 'gsi3', ContributorInsightsSpecification: { Enabled: true } },
    ]);
  });

  it('is protected from deletion and retained with the stack by default', () => {
    expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('an ephemeral stack', () => {
  const [, table] = single(synthesize({ ephemeral: true, bundling: false }).template, TABLE);

  it('drops deletion protection and deletes the table with the stack', () => {
    expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.UpdateReplacePolicy).toBe('Delete');
  });
});
