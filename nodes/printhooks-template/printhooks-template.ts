import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { Request, Response } from 'express';
import { registerSecretOwner } from '../../src/secrets/secret-refs';
import { existingCaptures } from '../../src/snapshot/captures';
import { fetchSnapshot } from '../../src/snapshot/registry';
import {
  parseTemplateConfig,
  renderTemplate,
  sampleEvent,
  type RawTemplateConfig,
  type RenderDeps,
  type TemplateConfig,
  unthinnedWarning,
} from '../../src/template';
import type { PresetCredentials } from '../../src/template/presets';
import { failMsg, reportConfigError, statusText, toError } from '../shared/errors';
import { migrateConfig } from '../shared/migrate';
import { MIGRATIONS } from './migrations';
import { jsonataProblem, previewError } from './preview-error';

interface TemplateDef extends NodeDef, RawTemplateConfig {
  version?: number;
  snapshotTimeout?: unknown;
}

type TemplateNode = Node<PresetCredentials>;

/** How long a render waits for an image still being captured at its event (docs/snapshots.md). */
const CAPTURE_WAIT_MS = 10_000;

/** Placeholders shown instead of real secrets in the editor preview. */
const PREVIEW_CREDENTIALS: PresetCredentials = { token: 'YOUR-TOKEN', user: 'YOUR-USER-KEY' };

export = function (RED: NodeAPI) {
  /** Node-RED's own JSONata (async since 4.0: the callback form is required). */
  function jsonataEvaluator(expression: string, node: Node | undefined): RenderDeps['evaluateJsonata'] {
    const prepared = RED.util.prepareJSONataExpression(expression, node as Node);
    // Without a node, Node-RED's $env falls back to process.env: the preview must not read the
    // runtime's environment (it may hold secrets), so there $env gives nothing.
    if (!node) (prepared as unknown as { assign(name: string, value: unknown): void }).assign('env', () => undefined);
    return (msg) =>
      new Promise((resolve, reject) => {
        try {
          RED.util.evaluateJSONataExpression(prepared, msg as never, (err: Error | null, value: unknown) => (err ? reject(err) : resolve(value)));
        } catch (err) {
          reject(err);
        }
      });
  }

  function PrintHooksTemplate(this: TemplateNode, def: TemplateDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const raw = migrateConfig<TemplateDef>(def, MIGRATIONS);
    const credentials: PresetCredentials = { token: node.credentials?.token || undefined, user: node.credentials?.user || undefined };
    // the msg carries secret references; the PrintHooks sender asks this resolver for the secrets
    const unregisterSecrets = registerSecretOwner(node.id, (name) => (name === 'token' || name === 'user' ? credentials[name] : undefined));
    node.on('close', (_removed: boolean, done: () => void) => {
      unregisterSecrets();
      done();
    });
    const timeout = Number(raw.snapshotTimeout);
    let config: TemplateConfig | undefined;
    let evaluateJsonata: RenderDeps['evaluateJsonata'];
    let configError = '';
    try {
      config = parseTemplateConfig(raw, credentials);
      if (config.expression !== undefined) {
        try {
          evaluateJsonata = jsonataEvaluator(config.expression, node);
        } catch (err) {
          throw new Error(`body: JSONata syntax error: ${jsonataProblem(err) ?? toError(err).message}`);
        }
      }
      node.status({ fill: 'grey', shape: 'dot', text: config.preset ? config.preset.name : 'custom' });
    } catch (err) {
      config = undefined;
      configError = toError(err).message;
      reportConfigError(node, configError);
    }

    node.on('input', (msg, send, done) => {
      if (!config) {
        failMsg(node, new Error(`not configured: ${configError}`), done);
        return;
      }
      const deps: RenderDeps = {
        credentials,
        secretOwner: node.id,
        fetchSnapshot,
        capturedSnapshot: (eventId) => existingCaptures()?.lookup(eventId, CAPTURE_WAIT_MS) ?? Promise.resolve({ state: 'none' }),
        snapshotTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : 5000,
        warn: (text) => node.warn(text),
        evaluateJsonata,
      };
      const record = msg as unknown as Record<string, unknown>;
      renderTemplate(config, record, deps)
        .then((out) => {
          record.payload = out.payload;
          record.headers = out.headers;
          record.method = out.method;
          record.event = out.event;
          if (out.url !== undefined) record.url = out.url;
          const type = (out.event as { type?: unknown } | undefined)?.type;
          const unthinned = unthinnedWarning(config?.preset, record, type);
          node.status(unthinned ? { fill: 'yellow', shape: 'ring', text: unthinned } : { fill: 'green', shape: 'dot', text: statusText(String(type ?? 'rendered')) });
          send(msg);
          done();
        })
        .catch((err) => failMsg(node, err, done));
    });
  }

  RED.nodes.registerType<TemplateNode, TemplateDef, Record<string, never>, PresetCredentials>('printhooks-template', PrintHooksTemplate, {
    credentials: { token: { type: 'password' }, user: { type: 'password' } },
  });

  // Editor preview: renders a sample event of the chosen type with the dialog's current (unsaved)
  // fields. Real credentials are never used or returned; placeholders stand in for them. It evaluates
  // user-supplied JSONata, so it needs the same permission as deploying the node.
  RED.httpAdmin.post('/printhooks-template/preview', RED.auth.needsPermission('printhooks-template.write'), (req: Request, res: Response) => {
    const fields = (req.body ?? {}) as RawTemplateConfig & { eventType?: string };
    void (async () => {
      try {
        const config = parseTemplateConfig(migrateConfig<RawTemplateConfig>({ ...fields, version: 1 }, MIGRATIONS), PREVIEW_CREDENTIALS);
        const evaluate = config.expression !== undefined ? jsonataEvaluator(config.expression, undefined) : undefined;
        const event = sampleEvent(String(fields.eventType ?? 'print.done'));
        const out = await renderTemplate(config, { topic: event.type, payload: event }, {
          credentials: PREVIEW_CREDENTIALS,
          fetchSnapshot: async () => Buffer.from('(snapshot bytes)'),
          evaluateJsonata: evaluate,
        });
        const payload = Buffer.isBuffer(out.payload) ? out.payload.toString('utf8') : out.payload;
        res.json({ ok: true, url: out.url, method: out.method, headers: out.headers, payload });
      } catch (err) {
        res.json({ ok: false, error: previewError(err) });
      }
    })();
  });
};
