import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/settings.ts';
import { NO_DOCKER, cdkJsonContext, scratchDir } from './synth.ts';

/**
 * Runs bin/app.ts the way `cdk synth -c stackName=… -c ephemeral=true` does: the CLI hands the
 * context (cdk.json's plus -c values, as strings) and an output directory to the app through the
 * environment, and the app synthesizes itself on exit. Docker is unavailable here too.
 */
function synthCli(context: Record<string, unknown>) {
  const outdir = scratchDir();
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_DOCKER: NO_DOCKER,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext, ...context }),
    },
  });
  const read = (file: string) => JSON.parse(readFileSync(join(outdir, file), 'utf8'));
  return { run, read };
}

describe('bin/app.ts', () => {
  const { run, read } = synthCli({ stackName: 'CommerceDev', ephemeral: 'true', alarmEmail: 'oncall@example.com' });

  it('synthesizes without Docker, with the AwsSolutions checks passing', () => {
    expect(run.status, run.stderr).toBe(0);
    const report = read('validation-report.json');
    expect(report.pluginReports.filter((r: { conclusion: string }) => r.conclusion !== 'success')).toEqual([]);
  });

  it('names the stack from the `stackName` context and honours `ephemeral=true`', () => {
    const { Resources } = read('CommerceDev.template.json');
    const tables = Object.values(Resources as Record<string, any>).filter((r) => r.Type === 'AWS::DynamoDB::GlobalTable');
    expect(tables).toHaveLength(1);
    expect(tables[0].DeletionPolicy).toBe('Delete');
    expect(tables[0].Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
  });

  it('subscribes the `alarmEmail` context address to the alarm topic', () => {
    const resources = Object.entries(read('CommerceDev.template.json').Resources as Record<string, any>);
    const [topicId] = resources.find(([, r]) => r.Type === 'AWS::SNS::Topic')!;
    const subscriptions = resources.filter(([, r]) => r.Type === 'AWS::SNS::Subscription').map(([, r]) => r.Properties);
    expect(subscriptions).toEqual([{ Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topicId } }]);
  });
});
