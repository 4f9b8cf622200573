/** One AWS API call a function made, as the sandbox's service proxy saw it. */
export interface AwsCall {
  readonly service: string;
  readonly operation: string;
  /** Logical id of the calling function ('' for a client that is not a sandbox function). */
  readonly function: string;
  /** The calling execution environment (worker), for crashing exactly that one. */
  readonly environment: string;
  /** What the call needs of the caller's role, e.g. `dynamodb:PutItem table/<name>` (iam-actions.ts). */
  readonly permissions: readonly string[];
}

interface Matcher {
  readonly service: string;
  /** Exact operation name, e.g. `SendMessageBatch`; any operation when absent. */
  readonly operation?: string | undefined;
  /** Substring of the calling function's logical id; any caller when absent. */
  readonly function?: string | undefined;
}

export interface FailRule extends Matcher {
  readonly kind: 'fail';
  /** `internal` is a 500 the SDK retries; `throttle` is the service's throttling error. */
  readonly error: 'internal' | 'throttle';
  remaining: number;
}

/** The call reaches the service, then the calling environment dies before it sees the answer. */
export interface CrashRule extends Matcher {
  readonly kind: 'crash';
  remaining: number;
}

export type FaultRule = FailRule | CrashRule;

/** Injected faults, consumed call by call, and the record of every call each function made. */
export class FaultPlan {
  private rules: FaultRule[] = [];
  private readonly seen = new Map<string, Set<string>>();
  private readonly needed = new Map<string, Set<string>>();

  add(rule: FaultRule): void {
    this.rules.push(rule);
  }

  clear(): void {
    this.rules = [];
  }

  pending(): FaultRule[] {
    return this.rules.filter((rule) => rule.remaining > 0);
  }

  /** Records the call and takes the first rule that matches it, if any. */
  take(call: AwsCall): FaultRule | undefined {
    if (call.function) {
      const operations = this.seen.get(call.function) ?? new Set<string>();
      operations.add(`${call.service}:${call.operation}`);
      this.seen.set(call.function, operations);
      const permissions = this.needed.get(call.function) ?? new Set<string>();
      for (const permission of call.permissions) permissions.add(permission);
      this.needed.set(call.function, permissions);
    }
    const rule = this.rules.find(
      (candidate) =>
        candidate.remaining > 0 &&
        candidate.service === call.service &&
        (candidate.operation === undefined || candidate.operation === call.operation) &&
        (candidate.function === undefined || call.function.includes(candidate.function)),
    );
    if (rule) rule.remaining -= 1;
    return rule;
  }

  /** `service:Operation` names each function called, sorted, by function logical id. */
  calls(): Record<string, string[]> {
    return Object.fromEntries([...this.seen].map(([fn, operations]) => [fn, [...operations].sort()]));
  }

  /** The IAM permissions those calls needed, by function logical id. */
  permissions(): Record<string, string[]> {
    return Object.fromEntries([...this.needed].map(([fn, permissions]) => [fn, [...permissions].sort()]));
  }
}
