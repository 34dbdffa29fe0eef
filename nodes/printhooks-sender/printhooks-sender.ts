import * as os from 'os';
import * as path from 'path';
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { Request, Response } from 'express';
import { buildEvent } from '../../src/event';
import { DeliveryQueue } from '../../src/delivery/delivery-queue';
import { KNOWN_SIGNATURE_HEADERS, SECRET_HEADERS, secretHeadersIn } from '../../src/delivery/known-signature-headers';
import { Outbox } from '../../src/delivery/outbox';
import { requestFromMsg, type MsgLike } from '../../src/delivery/request-from-msg';
import { RetryPolicy } from '../../src/delivery/retry-policy';
import { parseSenderConfig, type RawSenderConfig } from '../../src/delivery/sender-config';
import { isReferenceOnly } from '../../src/secrets/secret-refs';
import { getSigner } from '../../src/sign/signer-registry';
import { failMsg, reportConfigError, statusText, toError } from '../shared/errors';
import { migrateConfig, type Migration } from '../shared/migrate';
import type { EndpointNode } from '../printhooks-endpoint/endpoint-node';

interface SenderNodeDef extends NodeDef, RawSenderConfig {
  endpoint?: string;
  wires?: string[][];
  version?: number;
}

/** Optional runtime settings (settings.js `printhooks: { sender: {...} }`), mostly for tests. */
interface SenderSettings {
  outboxDir?: string;
  signerWaitMs?: number;
  secretWaitMs?: number;
  secretGraceMs?: number;
  statusIntervalMs?: number;
}

/** 0 → 1: `version` added; older configs get the defaults of fields they lack. */
const MIGRATIONS: Migration[] = [
  (c) => ({ concurrency: 4, ordered: false, retrySchedule: '5,300,1800,7200,18000,36000,36000', jitter: 0.2, overloadDelay: 60, ...c }),
];

/** Lower-case names of the msg headers whose value is only secret references (nothing secret to strip). */
function referenceOnlyHeaders(headers: unknown): Set<string> {
  const out = new Set<string>();
  if (!headers || typeof headers !== 'object') return out;
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string' && isReferenceOnly(value)) out.add(name.toLowerCase());
  return out;
}

/** Running senders by node id, for the editor's admin endpoints. */
const running = new Map<string, DeliveryQueue>();

export = function register(RED: NodeAPI): void {
  function PrintHooksSenderNode(this: Node, def: SenderNodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const raw = migrateConfig<SenderNodeDef>(def, MIGRATIONS);
    const endpointNode = raw.endpoint ? (RED.nodes.getNode(raw.endpoint) as EndpointNode | null) : null;
    const settings = ((RED.settings as unknown as { printhooks?: { sender?: SenderSettings } }).printhooks?.sender ?? {}) as SenderSettings;
    const parsed = parseSenderConfig(raw);
    const deliveredWired = Array.isArray(def.wires?.[0]) && def.wires[0].length > 0;

    let problem: string | undefined;
    if (!endpointNode) problem = 'printhooks-sender: no endpoint configured';
    else if (!endpointNode.target) problem = endpointNode.problem ?? 'printhooks-sender: the endpoint is not valid';
    else if (!parsed.config) problem = `printhooks-sender: ${parsed.errors.join('; ')}`;

    let queue: DeliveryQueue | undefined;
    if (!problem) {
      const config = parsed.config!;
      const userDir = RED.settings.userDir || path.join(os.homedir(), '.node-red');
      const dir = path.join(settings.outboxDir ?? path.join(userDir, 'printhooks', 'outbox'), node.id);
      try {
        const outbox = new Outbox(dir);
        if (outbox.recovery.tornBytes) node.warn(`outbox: dropped a torn last record (${outbox.recovery.tornBytes} bytes) left by a crash`);
        if (outbox.recovery.movedAside) node.warn(`outbox: ${outbox.file} was not readable and was moved to ${outbox.recovery.movedAside}`);
        queue = new DeliveryQueue({
          outbox,
          policy: new RetryPolicy({ schedule: config.schedule, jitter: config.jitter, overloadDelay: config.overloadDelay }),
          target: () => endpointNode!.target,
          getSigner,
          concurrency: config.concurrency,
          ordered: config.ordered,
          signerWaitMs: settings.signerWaitMs ?? 1000,
          secretWaitMs: settings.secretWaitMs ?? 1000,
          secretGraceMs: settings.secretGraceMs,
          onDelivered: (build) => {
            if (deliveredWired) node.send([build() as NodeMessage, null]);
          },
          onDead: (msg) => node.send([null, msg as NodeMessage]),
          onChange: () => scheduleStatus(),
          onError: (err) => node.error(`outbox: ${err.message}`),
        });
      } catch (e) {
        problem = `printhooks-sender: cannot open the outbox in ${dir}: ${toError(e).message}`;
      }
    }
    if (problem) reportConfigError(node, problem);

    let statusTimer: NodeJS.Timeout | undefined;
    function drawStatus(): void {
      statusTimer = undefined;
      if (!queue || !endpointNode) return;
      const h = endpointNode.health;
      const parts = [`queued ${queue.queued}`, `ok ${h.delivered}`];
      if (queue.dead) parts.push(`dead ${queue.dead}`);
      if (h.disabled) node.status({ fill: 'red', shape: 'ring', text: statusText(`disabled (410) · ${parts[0]}`, 40) });
      else if (h.failing) node.status({ fill: 'yellow', shape: 'dot', text: statusText(`${parts.join(' · ')} · failing`, 48) });
      else if (h.delivered === 0 && queue.queued === 0) node.status({ fill: 'grey', shape: 'dot', text: 'idle' });
      else node.status({ fill: 'green', shape: 'dot', text: statusText(parts.join(' · '), 48) });
    }
    let closing = false;
    let warnedSecrets = false;
    function scheduleStatus(): void {
      if (!statusTimer && !closing) statusTimer = setTimeout(drawStatus, settings.statusIntervalMs ?? 250);
    }

    if (queue) {
      running.set(node.id, queue);
      queue.start();
      drawStatus();
    }

    node.on('input', (msg: NodeMessageInFlow, _send: unknown, done: (err?: Error) => void) => {
      if (!queue || !endpointNode?.config) {
        done(new Error(`${problem ?? 'printhooks-sender is not ready'}; the msg was not accepted`));
        return;
      }
      try {
        const m = msg as unknown as MsgLike;
        const signerId = (m.webhook as { signer?: unknown } | undefined)?.signer;
        const signer = typeof signerId === 'string' ? getSigner(signerId) : undefined;
        // a secret header whose secret is a template's reference (ntfy "Bearer {{$token}}") holds no secret
        const referenceOnly = referenceOnlyHeaders(m.headers);
        const strip = [...SECRET_HEADERS.filter((h) => !referenceOnly.has(h)), ...(signerId ? signer?.headerNames ?? KNOWN_SIGNATURE_HEADERS : [])];
        const secrets = secretHeadersIn(m.headers).filter((h) => !signer?.headerNames.includes(h) && !referenceOnly.has(h));
        if (secrets.length && !warnedSecrets) {
          warnedSecrets = true;
          node.warn(`msg.headers.${secrets[0]} is not stored in the outbox nor sent: put the token or password in the endpoint's credentials`);
        }
        const req = requestFromMsg(m, { allowOverride: endpointNode.config.allowOverride, stripHeaders: strip });
        if (!req.url && !endpointNode.config.url) throw new Error('msg.url is missing and the endpoint has no url');
        queue.enqueue(req).then(
          () => done(),
          (e) => failMsg(node, new Error(`printhooks-sender: the outbox could not store the msg: ${toError(e).message}`), done),
        );
      } catch (e) {
        failMsg(node, new Error(`printhooks-sender: ${toError(e).message}`), done);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      if (statusTimer) clearTimeout(statusTimer);
      if (!queue) return done();
      if (running.get(node.id) === queue) running.delete(node.id);
      // the outbox stays on disk even when the node is deleted: nothing accepted is silently lost
      queue.stop().then(() => done(), (e) => {
        node.error(`outbox close: ${toError(e).message}`);
        done();
      });
    });
  }

  RED.nodes.registerType('printhooks-sender', PrintHooksSenderNode);

  RED.httpAdmin.get('/printhooks-sender/:id/log', RED.auth.needsPermission('printhooks-sender.read'), (req: Request, res: Response) => {
    const queue = running.get(String(req.params.id));
    if (!queue) {
      res.status(404).json({ error: 'sender not deployed' });
      return;
    }
    res.json({ queued: queue.queued, dead: queue.dead, inFlight: queue.inFlight, attempts: queue.log.list() });
  });

  RED.httpAdmin.post('/printhooks-sender/:id/retry-dead', RED.auth.needsPermission('printhooks-sender.write'), (req: Request, res: Response) => {
    const queue = running.get(String(req.params.id));
    if (!queue) {
      res.status(404).json({ error: 'sender not deployed' });
      return;
    }
    res.json({ retried: queue.retryDead() });
  });

  RED.httpAdmin.post('/printhooks-sender/:id/test', RED.auth.needsPermission('printhooks-sender.write'), (req: Request, res: Response) => {
    const queue = running.get(String(req.params.id));
    if (!queue) {
      res.status(404).json({ error: 'sender not deployed' });
      return;
    }
    const event = buildEvent({ type: 'test', printer: { id: 'printhooks-test', name: 'PrintHooks test', kind: 'test' }, discriminator: Date.now() });
    let stored;
    try {
      stored = requestFromMsg({ payload: event, event, topic: 'test' }, { allowOverride: false });
    } catch (e) {
      res.status(400).json({ error: toError(e).message });
      return;
    }
    queue.enqueue(stored).then(
      () => res.json({ queued: true, id: event.id }),
      (e) => res.status(500).json({ error: toError(e).message }),
    );
  });
};
