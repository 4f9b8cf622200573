import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir, synthesize } from './synth.ts';

interface LintFinding {
  readonly Level: string;
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Location: { readonly Path: unknown[] };
}

/**
 * cfn-lint (AWS's CloudFormation linter, a Python tool: `pip install cfn-lint`) checks what cdk-nag
 * does not: property types and values, alarm and dashboard shapes, references. It must be on PATH —
 * .ci/run installs it — and the template must have no error (warnings are CDK's own idioms).
 */
describe('cfn-lint on the synthesized template', () => {
  it('reports no error', () => {
    const { template } = synthesize({ bundling: false });
    const file = join(scratchDir(), 'Commerce.template.json');
    writeFileSync(file, JSON.stringify(template.toJSON()));
    const run = spawnSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8' });
    expect(run.error, 'cfn-lint is not on PATH: pip install cfn-lint').toBeUndefined();
    const findings = JSON.parse(run.stdout || '[]') as LintFinding[];
    const errors = findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${f.Location.Path.join('/')}: ${f.Message}`);
    expect(errors).toEqual([]);
    expect(findings.length === 0 || run.status !== 0).toBe(true); // the JSON was cfn-lint's report, not noise
  });
});
