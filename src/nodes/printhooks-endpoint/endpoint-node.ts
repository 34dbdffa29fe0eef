import type { Node } from 'node-red';
import type { EndpointTarget } from '../../core/delivery/delivery-queue';
import type { EndpointConfig } from '../../core/delivery/endpoint-config';
import type { EndpointHealth } from '../../core/delivery/endpoint-health';

/** What a sender reads from its endpoint config node. */
export interface EndpointNode extends Node {
  health: EndpointHealth;
  /** undefined when the config is invalid; `problem` then says why. */
  target?: EndpointTarget;
  config?: EndpointConfig;
  problem?: string;
}

