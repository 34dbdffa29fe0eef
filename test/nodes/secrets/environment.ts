// Shared by the audits of "secrets live only in Node-RED credentials; never in flow JSON, logs, msg
// objects or the outbox on disk" (docs/secrets.md): every credential has a distinctive value, each node
// runs its normal path and its error paths, and none of the values (nor their base64 / hex /
// URL-encoded forms) may appear in node.log/warn/error/status/send, the runtime log, the answers of the
// admin endpoints, or any file under the Node-RED user dir (outbox, pins).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchSnapshot } from '../../../src/snapshot/registry';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { helper, nodeRedLine } from '../helper';
import { LeakAudit } from '../leak-audit';

export const catchNode = require(require.resolve('@node-red/nodes/core/common/25-catch.js', {
  paths: [require.resolve(nodeRedLine === '4' ? 'node-red-4' : 'node-red')],
}));

export type Msg = Record<string, unknown>;
type TestNode = { receive(msg: unknown): void; on(event: string, cb: (msg: Msg) => void): void };
export const node = (id: string) => helper.getNode(id) as unknown as TestNode;

export async function until(predicate: () => boolean, label: string, timeoutMs = 4000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function collect(id: string): Msg[] {
  const got: Msg[] = [];
  node(id).on('input', (msg) => got.push(msg));
  return got;
}

export const red = (audit: LeakAudit, id: string) => audit.statuses(id).some((s) => s.fill === 'red');
/** A problem on the node's status: red, or the yellow ring with a cause of a printer that cannot be reached (src/sources/status.ts). */
export const problemShown = (audit: LeakAudit, id: string) =>
  audit.statuses(id).some((s) => s.fill === 'red' || (s.fill === 'yellow' && s.shape === 'ring' && s.text !== 'connecting'));

/** Fetches a printer's snapshot and notes the outcome: its error text is what the template would show. */
export async function noteSnapshot(audit: LeakAudit, printerId: string): Promise<string> {
  const outcome = await fetchSnapshot(printerId).then(
    (bytes) => `bytes: ${bytes ? bytes.length : 'none'}`,
    (err: Error) => `error: ${err.message}\n${err.stack ?? ''}`,
  );
  audit.note(`snapshot ${printerId}`, outcome);
  return outcome;
}

type Cleanup = () => Promise<void> | void;

/** A receiver that redirects every request to a second one, which must never see a credential. */
export async function redirector(cleanups: Cleanup[]): Promise<{ from: FakeReceiver; to: FakeReceiver }> {
  const to = await new FakeReceiver().start();
  const from = await new FakeReceiver().start();
  from.answer((req) => ({ status: 302, headers: { location: `${to.url}${req.path}` } }));
  cleanups.push(() => from.stop(), () => to.stop());
  return { from, to };
}

/**
 * An over-helpful target: answers each request with the request as it saw it (headers, path and body
 * as JSON, then the raw header lines), 503 the first time a request arrives (so it is retried) and 401
 * the next (a dead letter). Whatever credential went out comes back in both answers.
 */
export async function echoingReceiver(cleanups: Cleanup[]): Promise<FakeReceiver> {
  const rx = await new FakeReceiver().start();
  cleanups.push(() => rx.stop());
  const seen = new Set<string>();
  rx.answer((req) => {
    const key = `${req.path} ${String(req.headers['webhook-id'] ?? '')} ${req.body.length}`;
    const status = seen.has(key) ? 401 : 503;
    seen.add(key);
    const lines = Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`);
    const body = `${JSON.stringify({ error: 'rejected', path: req.path, headers: req.headers, body: req.body.toString('utf8') })}\n${lines.join('\n')}`;
    return { status, headers: { 'content-type': 'application/json' }, body };
  });
  return rx;
}

export const printerIdOf = (id: string) => (helper.getNode(id) as unknown as { printer: { id: string } }).printer.id;

/** What each audit test gets fresh: a Node-RED user dir, the audit watching it, and cleanups run after it. */
export interface AuditEnvironment {
  userDir: string;
  audit: LeakAudit;
  cleanups: Cleanup[];
}

/** Registers the hooks that start a Node-RED server per test and tear it down; call inside a describe. */
export function auditEnvironment(): AuditEnvironment {
  const t: AuditEnvironment = { userDir: '', audit: new LeakAudit(), cleanups: [] };
  beforeEach(async () => {
    t.userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-secrets-'));
    helper.settings({
      userDir: t.userDir,
      printhooksOctoprintServerTimings: { backoffBaseMs: 20, backoffMaxMs: 200, pingIntervalMs: 200, requestTimeoutMs: 1000 },
      printhooks: { sender: { statusIntervalMs: 5 } },
    } as never);
    t.audit = new LeakAudit();
    t.audit.dirs.push(t.userDir);
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    for (const cleanup of t.cleanups.splice(0)) await cleanup();
    fs.rmSync(t.userDir, { recursive: true, force: true });
  });
  after(() => helper.settings({}));
  return t;
}
