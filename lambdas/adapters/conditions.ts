/**
 * ElectroDB wraps the SDK's ConditionalCheckFailedException; for conditional writes that guard
 * idempotence or optimistic concurrency, a failed condition is an expected outcome, not a fault.
 */
export function isConditionFailure(error: unknown): boolean {
  const cause = (error as { cause?: unknown })?.cause;
  return `${(error as Error)?.name} ${(error as Error)?.message} ${(cause as Error)?.name}`.includes('ConditionalCheckFailed');
}
