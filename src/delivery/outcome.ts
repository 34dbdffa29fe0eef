/** What one HTTP attempt came back with. */
export type AttemptResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: Buffer; durationMs: number }
  | { kind: 'timeout'; error: string; durationMs: number }
  | { kind: 'network'; error: string; durationMs: number }
  /** Never sent: the destination policy or HTTPS-only refused where it leads (permanent). */
  | { kind: 'refused'; error: string; durationMs: number };

/**
 * What the sender does with an attempt (docs/delivery.md): 2xx delivered; 410 disables the endpoint;
 * 408, 429, 5xx, 3xx (never followed), timeouts and network errors retry; other 4xx and a destination
 * refused by the endpoint's policy are permanent.
 */
export type Verdict = 'delivered' | 'retry' | 'permanent' | 'gone';

export function verdictOf(result: AttemptResult): Verdict {
  if (result.kind === 'refused') return 'permanent';
  if (result.kind !== 'response') return 'retry';
  const s = result.status;
  if (s >= 200 && s < 300) return 'delivered';
  if (s === 410) return 'gone';
  if (s === 408 || s === 429) return 'retry';
  if (s >= 400 && s < 500) return 'permanent';
  return 'retry';
}

/** A 429 or a timeout: the target is overloaded, so wait at least the overload delay. */
export function isOverload(result: AttemptResult): boolean {
  return result.kind === 'timeout' || (result.kind === 'response' && result.status === 429);
}

export function describe(result: AttemptResult): string {
  if (result.kind === 'response') return `HTTP ${result.status}`;
  return result.error;
}
