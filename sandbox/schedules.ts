import { randomUUID } from 'node:crypto';
import { UnsupportedTemplateError } from './errors.ts';
import type { FunctionInvoker } from './function-registry.ts';
import type { TemplateResolver } from './intrinsics.ts';
import type { SandboxLog } from './logs.ts';
import { ACCOUNT_ID, PARTITION, REGION } from './physical-names.ts';
import { resourcesOfType, type CfnTemplate } from './template.ts';
import type { FunctionSpec } from './topology/functions.ts';

export interface ScheduleSpec {
  readonly logicalId: string;
  readonly expression: string;
  /** Period of a `rate(…)` expression; cron expressions run only on demand. */
  readonly intervalMs: number | undefined;
  readonly functionLogicalIds: readonly string[];
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The template's scheduled EventBridge rules (AWS::Events::Rule with a ScheduleExpression) that target functions. */
export function readSchedules(template: CfnTemplate, resolver: TemplateResolver, functions: readonly FunctionSpec[]): ScheduleSpec[] {
  const byArn = new Map(functions.map((fn) => [fn.arn, fn.logicalId]));
  return resourcesOfType(template, 'AWS::Events::Rule').flatMap(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const expression = props['ScheduleExpression'];
    if (typeof expression !== 'string' || props['State'] === 'DISABLED') return [];
    const targets = (props['Targets'] as Array<{ Arn: unknown }> | undefined) ?? [];
    const functionLogicalIds = targets.map((target) => {
      const id = byArn.get(resolver.resolveString(target.Arn));
      if (!id) throw new UnsupportedTemplateError(`${logicalId}: only function targets of schedules are emulated`);
      return id;
    });
    const rate = RATE.exec(expression);
    const intervalMs = rate ? Number(rate[1]) * UNIT_MS[rate[2]!.replace(/s$/, '')]! : undefined;
    return [{ logicalId, expression, intervalMs, functionLogicalIds }];
  });
}

export interface ScheduleRun {
  readonly rule: string;
  readonly function: string;
  readonly ok: boolean;
  readonly result: unknown;
}

/**
 * EventBridge Scheduler's part: each `rate(…)` rule invokes its functions with a Scheduled Event at
 * its period; `runNow()` fires every rule at once (for tests, and for `POST /_sandbox/schedules`).
 */
export class Schedules {
  private readonly timers: NodeJS.Timeout[] = [];
  private running = 0;

  constructor(
    private readonly schedules: readonly ScheduleSpec[],
    private readonly functions: FunctionInvoker,
    private readonly log: SandboxLog,
  ) {}

  start(): void {
    for (const schedule of this.schedules) {
      if (schedule.intervalMs === undefined) {
        this.log.warn('schedules', `${schedule.logicalId}: ${schedule.expression} runs only on demand (POST /_sandbox/schedules)`);
        continue;
      }
      this.timers.push(setInterval(() => void this.fire(schedule), schedule.intervalMs));
    }
  }

  async runNow(): Promise<ScheduleRun[]> {
    return (await Promise.all(this.schedules.map((schedule) => this.fire(schedule)))).flat();
  }

  get busy(): boolean {
    return this.running > 0;
  }

  stop(): void {
    this.timers.splice(0).forEach(clearInterval);
  }

  private async fire(schedule: ScheduleSpec): Promise<ScheduleRun[]> {
    this.running += 1;
    try {
      const event = scheduledEvent(schedule.logicalId);
      return await Promise.all(
        schedule.functionLogicalIds.map(async (fn) => {
          const outcome = await this.functions.invoke(fn, event);
          return { rule: schedule.logicalId, function: fn, ok: outcome.ok, result: outcome.ok ? outcome.payload : outcome.error };
        }),
      );
    } finally {
      this.running -= 1;
    }
  }
}

function scheduledEvent(ruleLogicalId: string) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT_ID,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [`arn:${PARTITION}:events:${REGION}:${ACCOUNT_ID}:rule/${ruleLogicalId}`],
    detail: {},
  };
}
