import type { Node, NodeStatus } from 'node-red';

/**
 * Counters shown as the node status ("passed 3 · blocked 1"), redrawn at most every `intervalMs`
 * so a burst of msgs does not flood the editor with status updates.
 */
export class StatusCounter<K extends string> {
  private readonly counts = new Map<K, number>();
  private timer: NodeJS.Timeout | undefined;
  private frozen = false;

  constructor(
    private readonly node: Node,
    private readonly render: (counts: Record<K, number>) => NodeStatus,
    private readonly intervalMs = 250,
  ) {}

  add(key: K, by = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
    this.schedule();
  }

  /** Redraw soon without changing a count (something the render reads has changed). */
  touch(): void {
    this.schedule();
  }

  /** Stops drawing, e.g. to keep a red config status in place. */
  freeze(): void {
    this.frozen = true;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.frozen) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.frozen) this.node.status(this.render(Object.fromEntries(this.counts) as Record<K, number>));
    }, this.intervalMs);
  }
}
