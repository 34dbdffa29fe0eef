import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { createAttemptSigner } from '../../src/sign/attempt-signer';
import { parseSigningConfig } from '../../src/sign/config';
import { keyTool, publicKeysOf } from '../../src/sign/key-tool';
import { signMessage } from '../../src/sign/sign-message';
import { registerSigner } from '../../src/sign/signer-registry';
import { tokenHeadersAsRefs } from '../../src/sign/token-refs';
import { registerCredentials } from '../../src/secrets/known-credentials';
import { registerSecretOwner } from '../../src/secrets/secret-refs';
import { failMsg, reportConfigError } from '../shared/errors';
import { answerAdminErrorsAsJson, jsonRoute, textFieldsOf } from '../shared/json-route';
import { migrateConfig } from '../shared/migrate';
import { MIGRATIONS } from './migrations';
import { StatusCounter } from '../shared/status-counter';

interface SignerNodeDef extends NodeDef {
  scheme?: string;
  header?: string;
  encoding?: string;
  /** token scheme only: put the real token in msg.headers (for the core http request node). */
  secretsInMsg?: boolean;
  version?: number;
}

interface SignerNode extends Node<{ secrets: unknown }> {
  /** whpk_ keys of a deployed ed25519 signer, for the editor's "public key" display. */
  printhooksPublicKeys?: string[];
}

export = function register(RED: NodeAPI): void {
  function PrintHooksSignerNode(this: SignerNode, def: SignerNodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrateConfig<SignerNodeDef>(def, MIGRATIONS);
    const parsed = parseSigningConfig(config, node.credentials?.secrets, 'sign');
    const counter = new StatusCounter<'signed'>(node, (c) => ({ fill: 'green', shape: 'dot', text: `signed ${c.signed ?? 0}` }));
    let unregister: (() => void) | undefined;
    const signer = parsed.ok ? createAttemptSigner(parsed.config) : undefined;
    if (!parsed.ok) {
      reportConfigError(node, `printhooks-signer configuration: ${parsed.error}`);
      counter.freeze();
    } else {
      const unregisterSigner = registerSigner(node.id, signer!);
      // blanked out of whatever a target answers (a token-scheme header is the secret itself)
      const unregisterCredentials = registerCredentials(node.id, parsed.config.secrets);
      const token = parsed.config.scheme === 'token' ? parsed.config.secrets[0] : undefined;
      const unregisterOwner = token ? registerSecretOwner(node.id, (name) => (name === 'token' ? token : undefined)) : () => undefined;
      unregister = () => {
        unregisterSigner();
        unregisterOwner();
        unregisterCredentials();
      };
      node.printhooksPublicKeys = parsed.config.scheme === 'standard-webhooks-ed25519' ? publicKeysOf(parsed.config.secrets) : [];
      node.status({ fill: 'grey', shape: 'dot', text: parsed.config.scheme });
    }

    node.on('input', (msg: NodeMessageInFlow, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      try {
        if (!parsed.ok || !signer) {
          done(new Error(`printhooks-signer configuration: ${parsed.ok ? 'no signer' : parsed.error}. Nothing is signed until the node is fixed and redeployed.`));
          return;
        }
        const m = msg as NodeMessageInFlow & { headers?: unknown; event?: unknown; webhook?: unknown };
        const signed = signMessage(m, signer, parsed.config.scheme, node.id, Date.now());
        m.payload = signed.payload;
        m.headers = parsed.config.scheme === 'token' && !config.secretsInMsg
          ? tokenHeadersAsRefs(signed.headers, signer.headerNames, node.id, parsed.config.secrets[0])
          : signed.headers;
        m.webhook = signed.webhook;
        counter.add('signed');
        send(m);
        done();
      } catch (err) {
        failMsg(node, err, done);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      unregister?.();
      counter.dispose();
      done();
    });
  }

  RED.nodes.registerType('printhooks-signer', PrintHooksSignerNode, { credentials: { secrets: { type: 'password' } } });

  // Editor helpers: never return a stored secret, only fresh ones and public keys.
  RED.httpAdmin.post('/printhooks-signer/keys', RED.auth.needsPermission('printhooks-signer.write'), jsonRoute('key tool', (req, res) => {
    const reply = keyTool(textFieldsOf(req.body));
    res.status(reply.status).json(reply.body);
  }));
  RED.httpAdmin.get('/printhooks-signer/:id/public-keys', RED.auth.needsPermission('printhooks-signer.read'), jsonRoute('public keys', (req, res) => {
    const deployed = RED.nodes.getNode(String(req.params.id)) as SignerNode | null;
    if (!deployed || deployed.type !== 'printhooks-signer') {
      res.status(404).json({ error: 'not deployed' });
      return;
    }
    res.json({ publicKeys: deployed.printhooksPublicKeys ?? [] });
  }));
  answerAdminErrorsAsJson(RED, 'printhooks-signer');
};
