import { createHash } from 'crypto';
import * as path from 'path';
import type { Node, NodeAPI } from 'node-red';
import { parseEndpointLimits, type EndpointLimits, type RawEndpointLimits } from '../../src/delivery/endpoint-limits';
import { EndpointHealth } from '../../src/delivery/endpoint-health';
import { healthToRestore, loadHealth, saveHealth, type StoredHealth } from '../../src/delivery/endpoint-health-store';
import { RateLimiter } from '../../src/delivery/rate-limiter';

/** settings.js `printhooks: { endpoint: { probeMs, healthDir } }` (tests shorten the probe and move the folder). */
interface EndpointSettings {
  probeMs?: number;
  healthDir?: string;
}

/** Endpoint ids started in this process: a second start is a redeploy, which re-enables (docs/delivery.md). */
const started = new Set<string>();

/** The endpoint's settings as a hash, without its name, position or users (and its credentials are never in `def`). */
function fingerprintOf(def: object): string {
  const skip = new Set(['id', 'type', 'name', 'x', 'y', 'z', 'g', 'wires', 'credentials']);
  const fields = Object.entries(def).filter(([key]) => !skip.has(key) && !key.startsWith('_')).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 32);
}

/**
 * The endpoint's "Advanced: rate limit / health" fields made into its health (breaker, auto-disable) and
 * its limiter (docs/delivery.md, "Rate limits", "Endpoint health"). `problem` names a bad field. The health's
 * failing clock and disabled state are kept in `<userDir>/printhooks/endpoint-health/<id>.json` across a restart
 * (not across a redeploy, nor a change of the endpoint); `close` stops writing it.
 */
export function endpointLimits(RED: NodeAPI, node: Node, def: RawEndpointLimits & object, url: string): {
  health: EndpointHealth; limiter: RateLimiter; limits?: EndpointLimits; problem?: string; close: () => void;
} {
  const settings = ((RED.settings as unknown as { printhooks?: { endpoint?: EndpointSettings } }).printhooks?.endpoint ?? {}) as EndpointSettings;
  const parsed = parseEndpointLimits(def, url);
  const limits = parsed.limits;
  const health = new EndpointHealth({ breakerFailures: limits?.breakerFailures ?? 5, disableAfterMs: limits?.disableAfterMs ?? 120 * 3600 * 1000, probeMs: settings.probeMs });
  const result = { health, limiter: new RateLimiter(limits?.rules ?? []), limits, problem: parsed.errors.length ? parsed.errors.join('; ') : undefined, close: () => undefined };
  const redeploy = started.has(node.id);
  started.add(node.id);
  // kept only where Node-RED has a user folder (always in a real runtime)
  const dir = settings.healthDir ?? (RED.settings.userDir ? path.join(RED.settings.userDir, 'printhooks', 'endpoint-health') : undefined);
  if (!dir) return result;
  const file = path.join(dir, `${node.id.replace(/[^\w.-]/g, '_')}.json`);
  const fingerprint = fingerprintOf(def);
  const restored = healthToRestore(loadHealth(file), fingerprint, redeploy);
  if (restored) health.restore(restored);
  let written = restored ? JSON.stringify(health.snapshot()) : '';
  let saving = false;
  let warned = false;
  const save = (): void => {
    const snapshot = health.snapshot();
    const text = JSON.stringify(snapshot);
    if (saving || text === written) return;
    saving = true;
    written = text;
    const stored: StoredHealth = { version: 1, fingerprint, ...snapshot };
    saveHealth(file, stored, (err) => {
      saving = false;
      if (err && !warned) {
        warned = true;
        node.warn(`endpoint health not kept for a restart: ${err.message}`);
      }
      // a change while this write ran is written next
      if (!err) save();
    });
  };
  save();
  return { ...result, close: health.onChange(() => save()) as () => void };
}
