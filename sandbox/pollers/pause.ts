/** Sleeps a poller can be woken from: to poll at once (an idle check is waiting) or to stop. */
export class Pause {
  private readonly sleepers = new Set<() => void>();

  for(milliseconds: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      // Callers pass what is left of a window, which may have passed: Node 24 warns on a negative delay.
      const timer = setTimeout(wake, Math.max(0, milliseconds));
      this.sleepers.add(wake);
    });
  }

  wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}
