import type { EventSourceMappingSpec } from './topology/functions.ts';

/**
 * The keys the TTL sweeper deleted, until every stream consumer of their table has seen the REMOVE
 * record: DynamoDB Local cannot mark its stream records, so the pollers add the TTL service identity
 * to the REMOVE records of these keys, as DynamoDB's own TTL process does.
 */
export class TtlDeletions {
  /** table logical id → key fingerprint → consumers (mapping logical ids) yet to see the REMOVE. */
  private readonly expected = new Map<string, Map<string, Set<string>>>();

  /** The stream mappings reading each table, by table logical id. */
  private readonly consumers = new Map<string, string[]>();

  constructor(mappings: readonly EventSourceMappingSpec[]) {
    for (const mapping of mappings) {
      if (mapping.kind !== 'dynamodb-stream') continue;
      this.consumers.set(mapping.tableLogicalId, [...(this.consumers.get(mapping.tableLogicalId) ?? []), mapping.logicalId]);
    }
  }

  /** Called before the delete is sent, so no poller can read its REMOVE record first. */
  expect(tableLogicalId: string, fingerprint: string): void {
    const consumers = this.consumers.get(tableLogicalId) ?? [];
    if (consumers.length === 0) return;
    const keys = this.expected.get(tableLogicalId) ?? new Map<string, Set<string>>();
    keys.set(fingerprint, new Set(consumers));
    this.expected.set(tableLogicalId, keys);
  }

  /** The conditional delete did not happen (the item changed meanwhile). */
  cancel(tableLogicalId: string, fingerprint: string): void {
    this.expected.get(tableLogicalId)?.delete(fingerprint);
  }

  /** Whether this consumer's REMOVE record of the key comes from a TTL deletion (answered once per consumer). */
  claim(tableLogicalId: string, mappingLogicalId: string, fingerprint: string): boolean {
    const keys = this.expected.get(tableLogicalId);
    const waiting = keys?.get(fingerprint);
    if (!keys || !waiting?.delete(mappingLogicalId)) return false;
    if (waiting.size === 0) keys.delete(fingerprint);
    return true;
  }
}
