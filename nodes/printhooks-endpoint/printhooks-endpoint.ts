import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { Request, Response } from 'express';
import { authHeaders, parseEndpointConfig, type EndpointCredentials, type RawEndpointConfig } from '../../src/delivery/endpoint-config';
import { EndpointHealth } from '../../src/delivery/endpoint-health';
import { HttpTransport } from '../../src/delivery/http-transport';
import type { EndpointNode } from './endpoint-node';
import { answerAdminErrorsAsJson, jsonRoute } from '../shared/json-route';
import { migrateConfig } from '../shared/migrate';
import { MIGRATIONS } from './migrations';

interface EndpointNodeDef extends NodeDef, RawEndpointConfig {
  version?: number;
}

export = function register(RED: NodeAPI): void {
  function PrintHooksEndpointNode(this: EndpointNode, def: EndpointNodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const raw = migrateConfig<EndpointNodeDef>(def, MIGRATIONS);
    node.health = new EndpointHealth();
    const creds = (node as unknown as { credentials?: EndpointCredentials }).credentials;
    const parsed = parseEndpointConfig(raw, creds);
    if (!parsed.config) {
      node.problem = `printhooks-endpoint: ${parsed.errors.join('; ')}`;
      node.error(node.problem);
      return;
    }
    const config = parsed.config;
    node.config = config;
    const transport = new HttpTransport({ timeoutMs: config.timeoutMs, tlsInsecure: config.tlsInsecure, maxSockets: 64, userAgent: 'PrintHooks (+node-red)' });
    node.target = {
      url: config.url,
      method: config.method,
      authHeaders: authHeaders(creds),
      health: node.health,
      send: (req) => transport.send(req),
    };
    node.on('close', (_removed: boolean, done: () => void) => {
      transport.close();
      done();
    });
  }

  RED.nodes.registerType('printhooks-endpoint', PrintHooksEndpointNode as unknown as (this: Node, def: NodeDef) => void, {
    credentials: {
      token: { type: 'password' },
      username: { type: 'text' },
      password: { type: 'password' },
    },
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
  answerAdminErrorsAsJson(RED, 'printhooks-endpoint');
};
