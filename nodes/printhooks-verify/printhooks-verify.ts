import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { parseSigningConfig } from '../../src/sign/config';
import { keyTool } from '../../src/sign/key-tool';
import { decodeVerifiedBody } from '../../src/sign/received-body';
import { DEFAULT_TOLERANCE_S, normaliseHeaders, WebhookVerifier } from '../../src/sign/verify';
import { failMsg, reportConfigError } from '../shared/errors';
import { answerAdminErrorsAsJson, jsonRoute, textFieldsOf } from '../shared/json-route';
import { migrateConfig } from '../shared/migrate';
import { MIGRATIONS } from './migrations';
import { StatusCounter } from '../shared/status-counter';

interface VerifyNodeDef extends NodeDef {
  scheme?: string;
  header?: string;
  encoding?: string;
  tolerance?: number | string;
  respond401?: boolean;
  parseJson?: boolean;
  version?: number;
}

type InMsg = NodeMessageInFlow & { req?: { headers?: unknown }; res?: unknown; headers?: unknown; statusCode?: number; verification?: unknown };

function parseTolerance(value: unknown): number | undefined {
  if (value === '' || value === undefined || value === null) return DEFAULT_TOLERANCE_S;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

export = function register(RED: NodeAPI): void {
  function PrintHooksVerifyNode(this: Node<{ secrets: unknown }>, def: VerifyNodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrateConfig<VerifyNodeDef>(def, MIGRATIONS);
    const tolerance = parseTolerance(config.tolerance);
    let parsed = parseSigningConfig(config, node.credentials?.secrets, 'verify');
    if (parsed.ok && tolerance === undefined) parsed = { ok: false, error: `tolerance "${String(config.tolerance)}" must be a number of seconds, 0 or more` };
    const verifier = parsed.ok ? new WebhookVerifier(parsed.config, tolerance) : undefined;
    const counter = new StatusCounter<'valid' | 'rejected'>(node, (c) => ({
      fill: (c.rejected ?? 0) > 0 ? 'yellow' : 'green',
      shape: 'dot',
      text: `valid ${c.valid ?? 0} · rejected ${c.rejected ?? 0}`,
    }));
    if (!parsed.ok) {
      reportConfigError(node, `printhooks-verify configuration: ${parsed.error}`);
      counter.freeze();
    } else {
      node.status({ fill: 'grey', shape: 'dot', text: parsed.config.scheme });
    }

    node.on('input', (msg: NodeMessageInFlow, send: (m: Array<NodeMessage | null>) => void, done: (err?: Error) => void) => {
      try {
        if (!parsed.ok || !verifier) {
          done(new Error(`printhooks-verify configuration: ${parsed.ok ? 'no verifier' : parsed.error}. Nothing is accepted until the node is fixed and redeployed.`));
          return;
        }
        const m = msg as InMsg;
        // From an http in node the request headers are at msg.req.headers; a hand-built msg may use msg.headers.
        const headers = m.req?.headers ?? m.headers;
        const outcome = verifier.verify(headers, m.payload);
        if (outcome.ok) {
          m.verification = { valid: true, scheme: parsed.config.scheme, id: outcome.id, timestamp: outcome.timestamp };
          if (config.parseJson !== false) m.payload = decodeVerifiedBody(m.payload, normaliseHeaders(headers)['content-type']);
          counter.add('valid');
          send([m, null]);
        } else {
          m.verification = { valid: false, scheme: parsed.config.scheme, reason: outcome.reason, message: outcome.message };
          if (config.respond401 !== false && m.res) {
            // Ready for an http response node: the sender learns only the reason code, never the expected signature.
            m.statusCode = 401;
            m.payload = { error: 'invalid webhook', reason: outcome.reason };
          }
          counter.add('rejected');
          send([null, m]);
        }
        done();
      } catch (err) {
        failMsg(node, err, done);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      counter.dispose();
      done();
    });
  }

  RED.nodes.registerType('printhooks-verify', PrintHooksVerifyNode, { credentials: { secrets: { type: 'password' } } });

  RED.httpAdmin.post('/printhooks-verify/keys', RED.auth.needsPermission('printhooks-verify.write'), jsonRoute('key tool', (req, res) => {
    const reply = keyTool(textFieldsOf(req.body));
    res.status(reply.status).json(reply.body);
  }));
  answerAdminErrorsAsJson(RED, 'printhooks-verify');
};
