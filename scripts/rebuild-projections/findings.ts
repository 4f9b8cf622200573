/** What a rebuild found: differences per read model (a count and the first examples), and what it left alone. */

export const READ_MODELS = ['orderLog', 'orderHistory', 'userStats', 'productSales', 'topProducts'] as const;
export type ReadModelKind = (typeof READ_MODELS)[number];

export interface Difference {
  count: number;
  examples: string[];
}

/** Plain data, so that what the Scan found travels in the checkpoint. */
export interface FindingsState {
  differences: Partial<Record<ReadModelKind, Difference>>;
  /** Users and products with an order that changed while the rebuild ran (or contradicts its log): not repaired. */
  heldUsers: string[];
  heldProducts: string[];
}

export const MAX_EXAMPLES = 5;

export class Findings {
  private readonly users: Set<string>;
  private readonly products: Set<string>;

  constructor(readonly state: FindingsState = { differences: {}, heldUsers: [], heldProducts: [] }) {
    this.users = new Set(state.heldUsers);
    this.products = new Set(state.heldProducts);
  }

  difference(kind: ReadModelKind, example: string): void {
    const found = (this.state.differences[kind] ??= { count: 0, examples: [] });
    found.count += 1;
    if (found.examples.length < MAX_EXAMPLES) found.examples.push(example);
  }

  /** The order changed since it was read: its user's and products' read models are the live projector's to keep. */
  changed(order: { userId: string; items: ReadonlyArray<{ productId: string }> }): void {
    this.holdUser(order.userId);
    for (const line of order.items) this.holdProduct(line.productId);
  }

  private holdUser(userId: string): void {
    if (!this.users.has(userId)) this.state.heldUsers.push(userId);
    this.users.add(userId);
  }

  private holdProduct(productId: string): void {
    if (!this.products.has(productId)) this.state.heldProducts.push(productId);
    this.products.add(productId);
  }

  isHeldUser = (userId: string): boolean => this.users.has(userId);
  isHeldProduct = (productId: string): boolean => this.products.has(productId);

  /** Adds a page's findings (kept apart until the page is done, then committed with its position). */
  merge(page: Findings): void {
    for (const [kind, found] of Object.entries(page.state.differences) as Array<[ReadModelKind, Difference]>) {
      const total = (this.state.differences[kind] ??= { count: 0, examples: [] });
      total.count += found.count;
      total.examples = [...total.examples, ...found.examples].slice(0, MAX_EXAMPLES);
    }
    for (const userId of page.state.heldUsers) this.holdUser(userId);
    for (const productId of page.state.heldProducts) this.holdProduct(productId);
  }

  get total(): number {
    return Object.values(this.state.differences).reduce((sum, found) => sum + found.count, 0);
  }
}
