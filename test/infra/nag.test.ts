import { type App, type PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { CommerceStack } from '../../lib/commerce-stack.ts';
import { newApp } from './synth.ts';

/** An app built the way bin/app.ts builds it: AwsSolutions checks attached as a validation plugin. */
function appWithChecks(build: (app: App) => Stack): { app: App; stack: Stack; checks: AwsSolutionsChecks } {
  const app = newApp();
  const stack = build(app);
  const checks = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(checks);
  return { app, stack, checks };
}

/** `rule: construct paths` lines, readable in a failed assertion. */
function findings(report: PolicyValidationPluginReport): string[] {
  return report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
}

interface Acknowledgment {
  readonly path: string;
  readonly ruleId: string;
  readonly reason: unknown;
}

/** Every acknowledgment recorded in the app (construct metadata written by Validations.acknowledge). */
function acknowledgments(app: App): Acknowledgment[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          path: construct.node.path,
          ruleId: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** Why a reason does not explain an acknowledgment, or undefined when it does. */
function reasonProblem({ ruleId, reason }: Acknowledgment): string | undefined {
  if (typeof reason !== 'string') return 'the reason is not text';
  const text = reason.trim();
  if (text.length < 30) return `"${text}" is too short to say why`;
  if (/^(todo|tbd|n\/?a|none|ok|fine|ignore[d]?|suppress(ed)?|false positive|not needed|acknowledged)\b/i.test(text)) {
    return `"${text}" is a placeholder, not a reason`;
  }
  if (text.includes(ruleId)) return `"${text}" repeats the rule id instead of explaining it`;
  return undefined;
}

/**
 * Stale acknowledgments already reported against lib/ (they silence nothing today but would hide a
 * future finding). Delete each entry once lib/ drops the acknowledgment.
 */
const knownStale: Array<(ack: Acknowledgment) => boolean> = [];

const { app, stack, checks } = appWithChecks((a) => new CommerceStack(a, 'Commerce'));

describe('cdk-nag AwsSolutions checks on the Commerce app', () => {
  it('report no unacknowledged finding', () => {
    const report = checks.validateScope(stack);
    expect(findings(report)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('let the app synthesize with the checks attached, as `cdk synth` does', () => {
    expect(() => app.synth()).not.toThrow();
  });

  const acknowledged = acknowledgments(app);

  it('acknowledge only AwsSolutions rules, each with a specific reason', () => {
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const ack of acknowledged) {
      expect(ack.ruleId, ack.path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reasonProblem(ack), `${ack.path} ${ack.ruleId}`).toBeUndefined();
    }
  });

  it('acknowledge nothing that the rules would not report (no stale acknowledgment)', () => {
    // The same checks with acknowledgments ignored: every acknowledgment must silence a real finding
    // on its construct or below. Relies on cdk-nag's private isAcknowledged (3.x).
    const blind = new AwsSolutionsChecks();
    Object.assign(blind, { isAcknowledged: () => false });
    const raw = blind.validateScope(stack).violations;
    expect(raw.length).toBeGreaterThan(0);
    const stale = acknowledged.filter(
      (ack) =>
        !raw.some(
          (v) =>
            v.ruleName === ack.ruleId &&
            v.violatingResources.some(
              (r) => r.constructPath === ack.path || r.constructPath?.startsWith(`${ack.path}/`),
            ),
        ),
    );
    const unexpected = stale.filter((ack) => !knownStale.some((known) => known(ack)));
    expect(unexpected.map((ack) => `${ack.path} ${ack.ruleId}`)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('report a queue without a DLQ or TLS enforcement, and stop its synthesis', () => {
    const probe = appWithChecks((a) => {
      const s = new Stack(a, 'Probe');
      new Queue(s, 'Plain');
      return s;
    });
    expect(findings(probe.checks.validateScope(probe.stack))).toEqual([
      'AwsSolutions-SQS3: Probe/Plain/Resource',
      'AwsSolutions-SQS4: Probe/Plain/Resource',
    ]);
    expect(() => probe.app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('the reason check rejects placeholders', () => {
    const ack = (reason: unknown) => ({ path: 'x', ruleId: 'AwsSolutions-SQS3', reason });
    expect(reasonProblem(ack('TODO: explain why this queue has no DLQ later on'))).toBeDefined();
    expect(reasonProblem(ack('ok'))).toBeDefined();
    expect(reasonProblem(ack(''))).toBeDefined();
    expect(reasonProblem(ack('AwsSolutions-SQS3 does not apply to this queue at all'))).toBeDefined();
    expect(reasonProblem(ack('This is the dead-letter queue of the order queue; operators redrive it.'))).toBeUndefined();
  });
});
