/**
 * Work that must not overlap with other work on the same keys — settlements of one batch that take
 * the same products' stock — while work on other keys runs at once. Each task waits for the tasks
 * started before it on any of its keys, then runs; tasks without keys never wait. Waits only ever
 * point at earlier tasks, so there is no deadlock, and tasks of a key run in the order they came.
 */
export class Turns {
  private readonly last = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    const before = unique.map((key) => this.last.get(key)).filter((turn) => turn !== undefined);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    for (const key of unique) this.last.set(key, mine);
    try {
      await Promise.all(before);
      return await task();
    } finally {
      done();
      for (const key of unique) if (this.last.get(key) === mine) this.last.delete(key);
    }
  }
}
