/** A source link as the status specs drive it: listeners, then start. */
interface Link<P extends { phase: string }> {
  addListener(listener: { phase(phase: P): void; baseline(): void; report(): void; down(): void }): void;
  start(): void;
}

/** Starts `link` and resolves with its first `failed` phase (rejects after 5 s without one). */
export function firstFailure<P extends { phase: string }>(link: Link<P>): Promise<Extract<P, { phase: 'failed' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no failed phase')), 5000);
    link.addListener({
      phase: (phase) => {
        if (phase.phase !== 'failed') return;
        clearTimeout(timer);
        resolve(phase as Extract<P, { phase: 'failed' }>);
      },
      baseline: () => undefined,
      report: () => undefined,
      down: () => undefined,
    });
    link.start();
  });
}
