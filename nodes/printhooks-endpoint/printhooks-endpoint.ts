import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { Request, Response } from 'express';
import { EndpointClient } from '../../src/delivery/endpoint-client';
import { parseEndpointConfig, type EndpointCredentials, type RawEndpointConfig } from '../../src/delivery/endpoint-config';
import type { EndpointNode } from './endpoint-node';
import { endpointLimits } from './endpoint-limits-glue';
import type { RawEndpointLimits } from '../../src/delivery/endpoint-limits';
import { answerAdminErrorsAsJson, jsonRoute } from '../shared/json-route';
import { CREDENTIALS } from './credential-names';
import { registerEndpointTestRoute } from './endpoint-test-route';
import { migrateEndpoint } from './migrations';

interface EndpointNodeDef extends NodeDef, RawEndpointConfig, RawEndpointLimits {
  version?: number;
}

export = function register(RED: NodeAPI): void {
  function PrintHooksEndpointNode(this: EndpointNode, def: EndpointNodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const creds = (node as unknown as { credentials?: EndpointCredentials }).credentials ?? {};
    const raw = migrateEndpoint<EndpointNodeDef>(def, creds);
    const parsed = parseEndpointConfig(raw, creds);
    // rate limit, breaker, auto-disable: the "Advanced: rate limit / health" fields
    const paced = endpointLimits(RED, node, raw, typeof raw.url === 'string' ? raw.url.trim() : '');
    node.health = paced.health;
    node.limits = paced.limits;
    if (paced.problem) parsed.errors.push(paced.problem);
    if (!parsed.config || paced.problem) {
      node.problem = `printhooks-endpoint: ${parsed.errors.join('; ')}`;
      node.error(node.problem);
      return;
    }
    const config = parsed.config;
    node.config = config;
    // transport, TLS material, proxy, destination policy and OAuth2 (docs/delivery.md, "Reaching guarded targets")
    const client = new EndpointClient(config, creds, { owner: node.id, maxSockets: 64, userAgent: 'PrintHooks (+node-red)' });
    node.target = {
      url: config.url,
      method: config.method,
      authHeaders: client.authHeaders,
      health: node.health,
      limiter: paced.limiter,
      send: (req) => client.send(req),
    };
    node.on('close', (_removed: boolean, done: () => void) => {
      paced.close();
      client.close();
      done();
    });
  }

  RED.nodes.registerType('printhooks-endpoint', PrintHooksEndpointNode as unknown as (this: Node, def: NodeDef) => void, {
    credentials: CREDENTIALS,
  });

  // "Re-enable" button of the editor: clears a 410 Gone so the senders resume.
  RED.httpAdmin.post('/printhooks-endpoint/:id/enable', RED.auth.needsPermission('printhooks-endpoint.write'), jsonRoute('re-enable', (req: Request, res: Response) => {
    const node = RED.nodes.getNode(String(req.params.id)) as EndpointNode | null;
    if (!node || !node.health) {
      res.status(404).json({ error: 'endpoint not deployed' });
      return;
    }
    const wasDisabled = node.health.disabled;
    node.health.enable();
    res.json({ enabled: true, wasDisabled });
  }));
  registerEndpointTestRoute(RED);
  answerAdminErrorsAsJson(RED, 'printhooks-endpoint');
};
