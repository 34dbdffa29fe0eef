/**
 * At most one event per printer + type within the cooldown window. `stamps` maps an event type to
 * when it last passed (epoch ms); stale stamps are dropped as new ones are written, so the map never
 * holds more than the event types.
 */
export function admitCooldown(stamps: Map<string, number>, type: string, nowMs: number, windowMs: number): boolean {
  if (windowMs <= 0) return true;
  const last = stamps.get(type);
  if (last !== undefined && nowMs - last < windowMs && nowMs >= last) return false;
  for (const [key, at] of stamps) if (nowMs - at >= windowMs) stamps.delete(key);
  stamps.set(type, nowMs);
  return true;
}

/** The stamps still inside the window (what is worth keeping across a restart). */
export function liveStamps(stamps: ReadonlyMap<string, number> | undefined, nowMs: number, windowMs: number): Array<[string, number]> {
  if (!stamps || windowMs <= 0) return [];
  return [...stamps].filter(([, at]) => nowMs - at < windowMs && nowMs >= at);
}
