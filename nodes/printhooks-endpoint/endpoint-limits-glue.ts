import type { NodeAPI } from 'node-red';
import { parseEndpointLimits, type EndpointLimits, type RawEndpointLimits } from '../../src/delivery/endpoint-limits';
import { EndpointHealth } from '../../src/delivery/endpoint-health';
import { RateLimiter } from '../../src/delivery/rate-limiter';

/** settings.js `printhooks: { endpoint: { probeMs } }`: the breaker's first probe wait (tests shorten it). */
interface EndpointSettings {
  probeMs?: number;
}

/**
 * The endpoint's "Advanced: rate limit / health" fields made into its health (breaker, auto-disable) and
 * its limiter (docs/delivery.md, "Rate limits", "Endpoint health"). `problem` names a bad field.
 */
export function endpointLimits(RED: NodeAPI, raw: RawEndpointLimits, url: string): { health: EndpointHealth; limiter: RateLimiter; limits?: EndpointLimits; problem?: string } {
  const settings = ((RED.settings as unknown as { printhooks?: { endpoint?: EndpointSettings } }).printhooks?.endpoint ?? {}) as EndpointSettings;
  const parsed = parseEndpointLimits(raw, url);
  const limits = parsed.limits;
  const health = new EndpointHealth({ breakerFailures: limits?.breakerFailures ?? 5, disableAfterMs: limits?.disableAfterMs ?? 120 * 3600 * 1000, probeMs: settings.probeMs });
  return { health, limiter: new RateLimiter(limits?.rules ?? []), limits, problem: parsed.errors.length ? parsed.errors.join('; ') : undefined };
}
