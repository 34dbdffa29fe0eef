import type { Node } from 'node-red';
import type { EndpointTarget } from '../../src/delivery/delivery-queue';
import type { EndpointConfig } from '../../src/delivery/endpoint-config';
import type { EndpointHealth } from '../../src/delivery/endpoint-health';
import type { EndpointLimits } from '../../src/delivery/endpoint-limits';

/** What a sender reads from its endpoint config node. */
export interface EndpointNode extends Node {
  health: EndpointHealth;
  /** undefined when the config is invalid; `problem` then says why. */
  target?: EndpointTarget;
  config?: EndpointConfig;
  /** Rate limit, breaker and auto-disable settings (docs/delivery.md, "Rate limits"). */
  limits?: EndpointLimits;
  problem?: string;
}

