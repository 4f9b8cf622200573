import type { Sandbox } from '../sandbox/index.ts';

/** A customer of the bench: signed up (PUT /me done), with a token. */
export interface Customer {
  readonly userId: string;
  readonly token: string;
}

export interface Line {
  readonly productId: string;
  readonly quantity: number;
}

export interface Placement {
  readonly orderId: string;
  /** performance.now() when the request was sent and when its 202 came back. */
  readonly sentAt: number;
  readonly acceptedAt: number;
}

/** The bench's client of the sandbox's HTTP API: products, stock, customers and orders. */
export class Shop {
  private constructor(
    private readonly sandbox: Sandbox,
    private readonly adminToken: string,
    private readonly run: string,
  ) {}

  static async open(sandbox: Sandbox): Promise<Shop> {
    return new Shop(sandbox, await sandbox.issueToken({ sub: 'bench-admin', admin: true }), Date.now().toString(36));
  }

  /** A product with `stock` units in each of the given warehouses. */
  async product(name: string, stock: Record<string, number>): Promise<string> {
    const productId = `bench-${this.run}-${name}`;
    await this.expect(200, 'PUT', `/products/${productId}`, this.adminToken, { name: `Bench ${name}`, priceCents: 1000 + (hash(name) % 9000) });
    for (const [warehouseId, available] of Object.entries(stock)) {
      await this.expect(200, 'PUT', `/products/${productId}/inventory/${warehouseId}`, this.adminToken, { available });
    }
    return productId;
  }

  async stockOf(productId: string): Promise<number> {
    return ((await this.expect(200, 'GET', `/products/${productId}/inventory`, this.adminToken)) as { total: number }).total;
  }

  async customers(count: number, concurrency = 16): Promise<Customer[]> {
    return pooled(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
      const userId = `bench-${this.run}-u${i}`;
      const token = await this.sandbox.issueToken({ sub: userId, email: `${userId}@example.com` });
      await this.expect(200, 'PUT', '/me', token, { email: `${userId}@example.com`, name: `Bench ${i}` });
      return { userId, token };
    });
  }

  private orders = 0;

  /** POST /orders; resolves once the 202 is in, with the times it took. */
  async placeOrder(customer: Customer, items: readonly Line[]): Promise<Placement> {
    const key = `bench-${this.run}-${++this.orders}`;
    const sentAt = performance.now();
    const body = (await this.expect(202, 'POST', '/orders', customer.token, { items, paymentToken: 'tok_ok' }, { 'idempotency-key': key })) as { orderId: string };
    return { orderId: body.orderId, sentAt, acceptedAt: performance.now() };
  }

  /** Requests answered 5xx and sent again (same body, same Idempotency-Key): reported with the figures. */
  retried = 0;

  /**
   * One request, sent again up to 9 times on a 5xx: on a loaded machine a burst of cold starts can
   * exceed the sandbox's 10 s init limit. Every request of the bench is idempotent (PUTs; POST
   * /orders with its Idempotency-Key), so a retry never makes a second order.
   */
  private async expect(status: number, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${this.sandbox.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status >= 500 && attempt < 10) {
        this.retried += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 1_000 * attempt)));
        continue;
      }
      if (response.status !== status) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : undefined;
    }
  }
}

/** Runs `task` over `items` with at most `concurrency` at a time; results in the items' order. */
export async function pooled<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + char.charCodeAt(0)) >>> 0;
  return h;
}
