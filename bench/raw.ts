import { DynamoDBClient, TransactWriteItemsCommand, type AttributeValue, type TransactWriteItemsInput } from '@aws-sdk/client-dynamodb';
import { pooled } from './shop.ts';

/**
 * The raw baselines of SPEC §7, on the same DynamoDB Local as the sandbox, straight from this
 * process (no gateway, function or proxy in between): the sandbox's own table receives
 * transactions of the shape the functions sent — captured by the bench from a real order — on
 * fresh keys. (A copy of the table, or a fresh one, was measured colder and slower than the table
 * the functions keep warm: docs/performance.md.)
 */
export class RawTable {
  private constructor(
    private readonly client: DynamoDBClient,
    readonly name: string,
  ) {}

  /**
   * The sandbox's own table, as warm as the functions keep it (DynamoDB Local is faster on a table it
   * has served a lot): the raw items carry no entity marker, so no stream reader of the sandbox — all
   * filter on `__edb_e__` — and no ElectroDB read takes them for an order.
   */
  static on(endpoint: string, tableName: string): RawTable {
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    return new RawTable(client, tableName);
  }

  private sequence = 0;

  /** The captured transaction itself, every item's partition key made fresh: one latency in ms. */
  async replay(captured: TransactWriteItemsInput): Promise<number> {
    const input = this.fresh(captured, false);
    const t0 = performance.now();
    await this.client.send(new TransactWriteItemsCommand(input));
    return performance.now() - t0;
  }

  /**
   * `count` transactions of the captured ones' shapes (in turn) at `concurrency`: as many actions, each a
   * conditional Put of a fresh item as large as what the action wrote (an Update or ConditionCheck
   * becomes its key plus its values). Resolves with transactions per second.
   */
  async throughput(captured: TransactWriteItemsInput | readonly TransactWriteItemsInput[], count: number, concurrency: number): Promise<number> {
    const shapes = Array.isArray(captured) ? captured : [captured as TransactWriteItemsInput];
    const inputs = Array.from({ length: count }, (_, i) => this.fresh(shapes[i % shapes.length]!, true));
    const t0 = performance.now();
    await pooled(inputs, concurrency, (input) => this.client.send(new TransactWriteItemsCommand(input)));
    return count / ((performance.now() - t0) / 1000);
  }

  destroy(): void {
    this.client.destroy();
  }

  private fresh(captured: TransactWriteItemsInput, asPuts: boolean): TransactWriteItemsInput {
    const n = ++this.sequence;
    const TransactItems = (structuredClone(captured.TransactItems) ?? []).map((action) => {
      const [kind, detail] = Object.entries(action)[0] as [string, any];
      const target: Record<string, AttributeValue> = kind === 'Put' ? detail.Item : detail.Key;
      const pk = { S: `${target['pk']?.S ?? ''}#raw${n}` };
      if (kind === 'Put') delete detail.Item['__edb_e__'];
      if (!asPuts) return { [kind]: { ...detail, TableName: this.name, [kind === 'Put' ? 'Item' : 'Key']: { ...target, pk } } };
      const values = Object.fromEntries(Object.entries((detail.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>).map(([name, value]) => [`v_${name.slice(1)}`, value]));
      const item = kind === 'Put' ? { ...target, pk } : { ...values, ...target, pk };
      return { Put: { TableName: this.name, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } };
    });
    return { TransactItems };
  }
}
