import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The exact-grants check reads what every other integration test made the functions call: it runs last. */
class GrantsCheckLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLast = (file: TestSpecification) => file.moduleId.endsWith('exact-grants.test.ts');
    return [...sorted.filter((file) => !isLast(file)), ...sorted.filter(isLast)];
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: GrantsCheckLast },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Function configuration comes from env (lambdas/config.ts); give handlers a fake one.
          env: {
            TABLE_NAME: 'commerce-unit',
            ORDER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/orders',
            ORDER_SHARD_COUNT: '4',
            SETTLEMENT_MAX_RECEIVE_COUNT: '3',
            EVENT_BUS_NAME: 'commerce-orders-unit',
            NOTIFICATION_SENDER: 'orders@example.com',
            SES_CONFIGURATION_SET: 'commerce-unit',
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'unit',
            AWS_SECRET_ACCESS_KEY: 'unit',
            POWERTOOLS_DEV: 'false',
            POWERTOOLS_LOG_LEVEL: process.env['POWERTOOLS_LOG_LEVEL'] ?? 'SILENT',
            POWERTOOLS_TRACE_ENABLED: 'false',
            POWERTOOLS_METRICS_DISABLED: 'true',
          },
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          environment: 'node',
          // One synth (with real esbuild bundling) is shared by the file; it takes a few seconds.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // One sandbox (DynamoDB Local + fauxqs + functions) for the whole project, started once.
          globalSetup: ['test/integration/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
