import * as os from 'os';
import * as path from 'path';
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { DeliveryQueue } from '../../src/delivery/delivery-queue';
import { Outbox } from '../../src/delivery/outbox';
import { RetryPolicy } from '../../src/delivery/retry-policy';
import { parseSenderConfig, type RawSenderConfig } from '../../src/delivery/sender-config';
import { failMsg, reportConfigError, statusText, toError } from '../shared/errors';
import { migrateConfig } from '../shared/migrate';
import type { EndpointNode } from '../printhooks-endpoint/endpoint-node';
import { registerSenderAdminRoutes } from './admin-routes';
import { endpointChanged, watchHealth } from './health-output';
import { openSenderLog } from './log-store';
import { intakeMsg } from './msg-intake';
import { getSigner } from '../../src/sign/signer-registry';
import { MIGRATIONS } from './migrations';
import { runPostgresSender } from './store';
import { openFailure, recoveryWarnings } from './outbox-reports';
import { OutboxWriteError } from '../../src/delivery/outbox-disk-problem';

interface SenderNodeDef extends NodeDef, RawSenderConfig {
  endpoint?: string;
  /** A printhooks-postgres node id: the shared PostgreSQL queue; empty = the embedded outbox (docs/scale.md). */
  store?: string;
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
  /** Wait before trying again to open an outbox that a disk problem kept closed (default 5000). */
  outboxRetryMs?: number;
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
    if (typeof raw.store === 'string' && raw.store !== '') {
      const { signerWaitMs, secretWaitMs, secretGraceMs, statusIntervalMs } = settings;
      runPostgresSender(RED, node, { store: raw.store, endpointNode, config: parsed.config, problem, deliveredWired, signerWaitMs, secretWaitMs, secretGraceMs, statusIntervalMs, running });
      return;
    }

    let queue: DeliveryQueue | undefined;
    // the delivery log lives on disk beside the outbox and outlasts a redeploy (docs/editor.md "Sidebar")
    const senderLog = problem ? undefined : openSenderLog(RED, node);
    let openedOutbox: Outbox | undefined;
    let openRetry: NodeJS.Timeout | undefined;
    let openFailedAt: number | undefined;
    /** Opens the outbox and its queue. A disk problem (read-only, full) is tried again until it clears, without a redeploy. */
    function openQueue(): void {
      const config = parsed.config!;
      const userDir = RED.settings.userDir || path.join(os.homedir(), '.node-red');
      const dir = path.join(settings.outboxDir ?? path.join(userDir, 'printhooks', 'outbox'), node.id);
      try {
        // one live owner per outbox folder: a second node with the same id is refused here (docs/delivery.md)
        const outbox = new Outbox(dir, { owner: node.id, onDiskProblem: () => scheduleStatus(), onError: (err) => node.error(`outbox: ${err.message}`) });
        openedOutbox = outbox;
        for (const line of recoveryWarnings(outbox)) node.warn(line);
        queue = new DeliveryQueue({
          outbox,
          policy: new RetryPolicy({ schedule: config.schedule, jitter: config.jitter, overloadDelay: config.overloadDelay }),
          target: () => endpointNode!.target,
          getSigner,
          log: senderLog?.log,
          concurrency: config.concurrency,
          ordered: config.ordered,
          signerWaitMs: settings.signerWaitMs ?? 1000,
          secretWaitMs: settings.secretWaitMs ?? 1000,
          secretGraceMs: settings.secretGraceMs,
          ttlMs: config.ttlMs,
          onDelivered: (build) => {
            if (deliveredWired) node.send([build() as NodeMessage, null]);
          },
          onDead: (msg) => node.send([null, msg as NodeMessage]),
          // a TTL drop gets a log line; a superseded progress only its line in the delivery log
          onDropped: (d) => {
            if (d.why === 'expired') node.log(`dropped ${d.eventType ?? 'msg'} ${d.webhookId}: older than its TTL (${Math.round(d.ageMs / 1000)} s)`);
          },
          onChange: () => scheduleStatus(),
          onError: (err) => node.error(`outbox: ${err.message}`),
        });
        problem = undefined;
        if (openFailedAt !== undefined) node.log(`outbox opened in ${dir}; msgs are accepted again`);
        openFailedAt = undefined;
      } catch (e) {
        const failure = openFailure(node.id, dir, e);
        problem = failure.message;
        // logged once; the retries stay quiet until one succeeds
        if (openFailedAt === undefined) reportConfigError(node, problem);
        node.status(failure.status);
        openFailedAt ??= Date.now();
        if (failure.retry) openRetry = setTimeout(retryOpen, settings.outboxRetryMs ?? 5000);
      }
    }
    function retryOpen(): void {
      openRetry = undefined;
      if (closing) return;
      openQueue();
      startQueue();
    }
    if (problem) reportConfigError(node, problem);
    else openQueue();

    let statusTimer: NodeJS.Timeout | undefined;
    function drawStatus(): void {
      statusTimer = undefined;
      if (!queue || !endpointNode) return;
      const health = endpointNode.health;
      const parts = [`queued ${queue.queued}`, `ok ${health.delivered}`];
      if (queue.dead) parts.push(`dead ${queue.dead}`);
      const disk = openedOutbox?.diskProblem;
      if (disk) node.status({ fill: 'red', shape: 'dot', text: statusText(`${disk.summary} · ${parts[0]}`, 40) });
      else if (health.disabled) node.status({ fill: 'red', shape: 'ring', text: statusText(`disabled (${/^410/.test(health.disabledReason ?? '') ? '410' : 'failing'}) · ${parts[0]}`, 40) });
      else if (health.breaker !== 'closed') node.status({ fill: 'yellow', shape: 'ring', text: statusText(`paused: failing, probing · ${parts[0]}`, 48) });
      else if (health.failing) node.status({ fill: 'yellow', shape: 'dot', text: statusText(`${parts.join(' · ')} · failing`, 48) });
      else if (health.delivered === 0 && queue.queued === 0) node.status({ fill: 'grey', shape: 'dot', text: 'idle' });
      else node.status({ fill: 'green', shape: 'dot', text: statusText(parts.join(' · '), 48) });
    }
    let closing = false;
    let warnedSecrets = false;
    const warnOnce = (text: string) => {
      if (warnedSecrets) return;
      warnedSecrets = true;
      node.warn(text);
    };
    function scheduleStatus(): void {
      if (!statusTimer && !closing) statusTimer = setTimeout(drawStatus, settings.statusIntervalMs ?? 250);
    }

    let unwatchHealth: (() => void) | undefined;
    function startQueue(): void {
      if (!queue) return;
      running.set(node.id, queue);
      const started = queue;
      unwatchHealth ??= watchHealth(endpointNode!, () => started.queued, (msg) => node.send([null, null, msg]));
      if (openedOutbox && endpointNode) senderLog?.show(queue, openedOutbox, endpointNode);
      queue.start();
      // a changed endpoint (a fixed url or token) retries its queue at once (docs/delivery.md, "Retry now")
      if (endpointChanged(node.id, endpointNode!)) queue.retryNow();
      drawStatus();
    }
    startQueue();

    node.on('input', (msg: NodeMessageInFlow, _send: unknown, done: (err?: Error) => void) => {
      if (!queue || !endpointNode?.config) {
        done(new Error(`${problem ?? 'printhooks-sender is not ready'}; the msg was not accepted`));
        return;
      }
      try {
        const req = intakeMsg(msg, { endpointNode, queue, storeName: 'outbox', warnOnce });
        if (!req) {
          done();
          return;
        }
        queue.enqueue(req).then(
          () => done(),
          (e) => {
            if (!(e instanceof OutboxWriteError)) return failMsg(node, new Error(`printhooks-sender: the outbox could not store the msg: ${toError(e).message}`), done);
            // refused for a disk problem: the status goes back to the plain "disk full · queued N"
            failMsg(node, new Error(`printhooks-sender: ${e.message}`), done);
            scheduleStatus();
          },
        );
      } catch (e) {
        failMsg(node, new Error(`printhooks-sender: ${toError(e).message}`), done);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      unwatchHealth?.();
      if (statusTimer) clearTimeout(statusTimer);
      if (openRetry) clearTimeout(openRetry);
      if (!queue) return void (senderLog?.close() ?? Promise.resolve()).then(() => done());
      if (running.get(node.id) === queue) running.delete(node.id);
      // the outbox stays on disk even when the node is deleted: nothing accepted is silently lost
      queue.stop().then(() => senderLog?.close()).then(() => done(), (e) => {
        node.error(`outbox close: ${toError(e).message}`);
        done();
      });
    });
  }

  RED.nodes.registerType('printhooks-sender', PrintHooksSenderNode);

  registerSenderAdminRoutes(RED, running);
};
