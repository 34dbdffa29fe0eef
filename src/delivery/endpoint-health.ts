/**
 * Shared state of one endpoint: disabled after a 410 Gone (queue kept, re-enabled by the editor
 * button or a redeploy), plus counters for the status line.
 */
export class EndpointHealth {
  disabled = false;
  disabledReason: string | undefined;
  consecutiveFailures = 0;
  delivered = 0;
  failed = 0;
  private readonly listeners = new Set<() => void>();

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  success(): void {
    this.delivered += 1;
    const changed = this.consecutiveFailures > 0;
    this.consecutiveFailures = 0;
    if (changed) this.emit();
  }

  failure(): void {
    this.failed += 1;
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures === 1) this.emit();
  }

  disable(reason: string): void {
    if (this.disabled) return;
    this.disabled = true;
    this.disabledReason = reason;
    this.emit();
  }

  enable(): void {
    if (!this.disabled) return;
    this.disabled = false;
    this.disabledReason = undefined;
    this.consecutiveFailures = 0;
    this.emit();
  }

  get failing(): boolean {
    return this.consecutiveFailures > 0;
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
