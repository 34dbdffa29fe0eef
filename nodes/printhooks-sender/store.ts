import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { DeliveryQueue } from '../../src/delivery/delivery-queue';
import { queueNamesOf } from '../../src/delivery/postgres/job-data';
import { PostgresDeliveryQueue } from '../../src/delivery/postgres/postgres-delivery-queue';
import { RetryPolicy } from '../../src/delivery/retry-policy';
import type { SenderConfig } from '../../src/delivery/sender-config';
import { failMsg, reportConfigError, statusText, toError } from '../shared/errors';
import type { EndpointNode } from '../printhooks-endpoint/endpoint-node';
import type { PostgresNode } from '../printhooks-postgres/postgres-node';
import { watchHealth } from './health-output';
import { openSenderLog, type SenderLog } from './log-store';
import { intakeMsg } from './msg-intake';
import { getSigner } from '../../src/sign/signer-registry';

export interface PostgresSenderContext {
  /** The printhooks-postgres config node id of the sender's `store` field. */
  store: string;
  endpointNode: EndpointNode | null;
  config: SenderConfig | undefined;
  /** A configuration problem found by the sender (no endpoint, bad field). */
  problem: string | undefined;
  deliveredWired: boolean;
  signerWaitMs?: number;
  secretWaitMs?: number;
  secretGraceMs?: number;
  statusIntervalMs?: number;
  /** How long a msg waits for a queue still being set up before it is refused (default 10 s). */
  connectWaitMs?: number;
  /** The sender's admin-route registry (log, retry dead letters, send test). */
  running: Map<string, DeliveryQueue>;
}

/**
 * The sender with its `store` set to a printhooks-postgres node (docs/scale.md): the same msg checks as
 * with the embedded outbox, then the shared PostgreSQL queue instead. Empty `store` = the outbox (the sender
 * itself). A msg is accepted (done()) only once the database has it; while the database cannot be used
 * the status is red with the cause and msgs are refused with done(err).
 */
export function runPostgresSender(RED: NodeAPI, node: Node, ctx: PostgresSenderContext): void {
  const storeNode = RED.nodes.getNode(ctx.store) as PostgresNode | null;
  let problem = ctx.problem;
  if (!problem && !storeNode) problem = 'printhooks-sender: the PostgreSQL store is not deployed';
  else if (!problem && !storeNode!.store) problem = storeNode!.configError ?? 'printhooks-sender: the PostgreSQL store is not valid';
  const endpointNode = ctx.endpointNode;
  let queue: PostgresDeliveryQueue | undefined;
  let senderLog: SenderLog | undefined;
  let closing = false;
  let warnedSecrets = false;
  const warnOnce = (text: string) => {
    if (warnedSecrets) return;
    warnedSecrets = true;
    node.warn(text);
  };
  let statusTimer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let unwatchHealth: (() => void) | undefined;
  const queueWaiters = new Set<() => void>();

  function drawStatus(): void {
    statusTimer = undefined;
    if (closing || problem) return;
    const store = storeNode!.store!;
    if (store.problem) {
      node.status({ fill: 'red', shape: 'ring', text: statusText(store.problem, 48) });
      return;
    }
    if (!queue || !endpointNode) {
      node.status({ fill: 'yellow', shape: 'ring', text: 'connecting to the database' });
      return;
    }
    const health = endpointNode.health;
    const parts = [`queued ${queue.queued}`, `ok ${health.delivered}`];
    if (queue.dead) parts.push(`dead ${queue.dead}`);
    if (health.disabled) node.status({ fill: 'red', shape: 'ring', text: statusText(`disabled (${/^410/.test(health.disabledReason ?? '') ? '410' : 'failing'}) · ${parts[0]}`, 40) });
    else if (health.breaker !== 'closed') node.status({ fill: 'yellow', shape: 'ring', text: statusText(`paused: failing, probing · ${parts[0]}`, 48) });
    else if (health.failing) node.status({ fill: 'yellow', shape: 'dot', text: statusText(`${parts.join(' · ')} · failing`, 48) });
    else if (health.delivered === 0 && queue.queued === 0) node.status({ fill: 'grey', shape: 'dot', text: 'idle · shared' });
    else node.status({ fill: 'green', shape: 'dot', text: statusText(`${parts.join(' · ')} · shared`, 48) });
  }
  function scheduleStatus(): void {
    if (!statusTimer && !closing) statusTimer = setTimeout(drawStatus, ctx.statusIntervalMs ?? 250);
  }

  if (problem) reportConfigError(node, problem);
  else {
    const store = storeNode!.store!;
    const config = ctx.config!;
    const runtime = storeNode!.runtime;
    unsubscribe = storeNode!.onStoreChange(scheduleStatus);
    drawStatus();
    const setUp = (): void => void store.whenReady().then(async (boss) => {
      if (closing) return;
      const created = new PostgresDeliveryQueue({
        boss,
        schema: store.schema,
        queues: queueNamesOf(node.id),
        policy: new RetryPolicy({ schedule: config.schedule, jitter: config.jitter, overloadDelay: config.overloadDelay }),
        target: () => endpointNode!.target,
        getSigner,
        concurrency: config.concurrency,
        signerWaitMs: ctx.signerWaitMs ?? 1000,
        secretWaitMs: ctx.secretWaitMs ?? 1000,
        secretGraceMs: ctx.secretGraceMs,
        expireSeconds: runtime.expireSeconds,
        ttlMs: config.ttlMs,
        pollMs: runtime.pollMs,
        onDelivered: (build) => {
          if (ctx.deliveredWired) node.send([build() as NodeMessage, null]);
        },
        onDead: (msg) => node.send([null, msg as NodeMessage]),
        onChange: scheduleStatus,
        onDatabase: (err) => store.report(err),
        onError: (err) => node.error(`postgres queue: ${err.message}`),
      });
      await created.init();
      if (closing) return;
      queue = created;
      // the health output: transitions this instance caused on the shared breaker (docs/scale.md)
      unwatchHealth = watchHealth(endpointNode!, () => created.queued, (msg) => node.send([null, null, msg]));
      // the attempts this instance makes, kept on disk like the outbox sender's and listed in the sidebar
      senderLog = openSenderLog(RED, node, created.log);
      if (endpointNode) senderLog.show(created, undefined, endpointNode);
      for (const wake of [...queueWaiters]) wake();
      // the admin routes read the same members of either engine (queued, dead, inFlight, log, retryDead, enqueue)
      ctx.running.set(node.id, created as unknown as DeliveryQueue);
      created.start();
      drawStatus();
    }).catch((e) => {
      // e.g. two instances creating the queues at the same moment (a deadlock one of them loses): again soon
      store.report(toError(e));
      node.warn(`printhooks-sender: the shared queue could not be set up (${toError(e).message}); trying again`);
      if (!closing) setTimeout(setUp, 1000 + Math.random() * 1000).unref?.();
    });
    setUp();
  }

  node.on('input', (msg: NodeMessageInFlow, _send: unknown, done: (err?: Error) => void) => {
    const store = storeNode?.store;
    if (problem || !store || !endpointNode?.config) {
      done(new Error(`${problem ?? 'printhooks-sender is not ready'}; the msg was not accepted`));
      return;
    }
    // the database cannot be used at all (unreachable, no pg-boss): refused at once
    if (!queue && store.problem && !store.current()) {
      failMsg(node, new Error(`printhooks-sender: ${store.problem}; the msg was not accepted`), done);
      return;
    }
    if (!queue) {
      // just deployed: the queue is being set up; the msg waits for it (bounded), it is not dropped
      waitForQueue(ctx.connectWaitMs ?? 10_000).then(() => accept(msg, done, store));
      return;
    }
    accept(msg, done, store);
  });

  function accept(msg: NodeMessageInFlow, done: (err?: Error) => void, store: NonNullable<PostgresNode['store']>): void {
    if (!queue || !endpointNode?.config) {
      failMsg(node, new Error(`printhooks-sender: ${store.problem ?? 'the database is not connected yet'}; the msg was not accepted`), done);
      return;
    }
    try {
      const req = intakeMsg(msg, { endpointNode, queue, storeName: 'database', warnOnce });
      if (!req) {
        done();
        return;
      }
      queue.enqueue(req).then(
        () => done(),
        (e) => {
          failMsg(node, new Error(`printhooks-sender: ${store.problem ?? toError(e).message}; the msg was not accepted`), done);
          scheduleStatus();
        },
      );
    } catch (e) {
      failMsg(node, new Error(`printhooks-sender: ${toError(e).message}`), done);
    }
  }

  function waitForQueue(ms: number): Promise<void> {
    if (queue) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish(): void {
        clearTimeout(timer);
        queueWaiters.delete(finish);
        resolve();
      }
      queueWaiters.add(finish);
    });
  }

  node.on('close', (_removed: boolean, done: () => void) => {
    closing = true;
    if (statusTimer) clearTimeout(statusTimer);
    for (const wake of [...queueWaiters]) wake();
    unsubscribe?.();
    unwatchHealth?.();
    if (!queue) return done();
    if (ctx.running.get(node.id) === (queue as unknown as DeliveryQueue)) ctx.running.delete(node.id);
    const log = senderLog;
    queue.stop().then(() => log?.close(), () => log?.close()).then(() => done(), () => done());
  });
}
