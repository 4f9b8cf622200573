import { describe, expect, it } from 'vitest';
import { Turns } from '../../../lambdas/domain/turns.ts';

/** A task that logs its start and end, and ends when the test says. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    open,
    task: async () => {
      log.push(`${name} starts`);
      await opened;
      log.push(`${name} ends`);
      return name;
    },
  };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Turns', () => {
  it('runs tasks on different keys, or on none, at once', async () => {
    const turns = new Turns();
    const log: string[] = [];
    const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const running = [turns.run(['p1'], a.task), turns.run(['p2'], b.task), turns.run([], c.task)];
    await tick();
    expect(log).toEqual(['a starts', 'b starts', 'c starts']);
    [a, b, c].forEach((g) => g.open());
    expect(await Promise.all(running)).toEqual(['a', 'b', 'c']);
  });

  it('runs tasks sharing a key one after the other, in the order they came, waiting for every key', async () => {
    const turns = new Turns();
    const log: string[] = [];
    const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const running = [turns.run(['p1'], a.task), turns.run(['p2'], b.task), turns.run(['p1', 'p2', 'p1'], c.task)];
    await tick();
    expect(log).toEqual(['a starts', 'b starts']);
    a.open();
    await tick();
    expect(log).toEqual(['a starts', 'b starts', 'a ends']); // c still waits for b
    b.open();
    c.open();
    await Promise.all(running);
    expect(log.slice(3)).toEqual(['b ends', 'c starts', 'c ends']);
  });

  it('hands the turn on when a task fails', async () => {
    const turns = new Turns();
    const failed = turns.run(['p1'], async () => {
      throw new Error('table unavailable');
    });
    await expect(failed).rejects.toThrow('table unavailable');
    await expect(turns.run(['p1'], async () => 'next')).resolves.toBe('next');
  });
});
