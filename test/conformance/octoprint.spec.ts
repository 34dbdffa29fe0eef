// Conformance over the shared OctoPrint fixtures (docs examples and authored messages), read at run
// time from ../shared/fixtures/octoprint; nothing from there is copied into the repo.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { PrinterEvent } from '../../src/event';
import { SUBSCRIBE_MESSAGE } from '../../src/sources/octoprint/connection';
import { parseFrame } from '../../src/sources/octoprint/frames';
import { OctoPrintMonitor } from '../../src/sources/octoprint/monitor';
import { probeOctoPrint } from '../../src/sources/octoprint/probe';

const repoRoot = path.resolve(__dirname, '..', '..');
const dir = path.join(process.env.PRINTHOOKS_SHARED_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures'), 'octoprint');
const printer = { id: 'octoprint-conformance', name: 'MK3S', kind: 'octoprint' as const };

function text(name: string): string {
  return fs.readFileSync(path.join(dir, name), 'utf8');
}

function frame(name: string): ReturnType<typeof parseFrame> {
  return parseFrame(text(name));
}

function fresh(): OctoPrintMonitor {
  const m = new OctoPrintMonitor({ printer });
  m.connected();
  return m;
}

function play(m: OctoPrintMonitor, names: string[]): PrinterEvent[] {
  return names.flatMap((n) => m.handle(frame(n)));
}

/** The idle history from the fixtures, as the baseline before a job starts. */
const IDLE = 'push.history.idle-after-done.authored.json';

describe('octoprint conformance (shared fixtures)', () => {
  it('every push fixture parses into the message kind its name says', () => {
    const pushes = fs.readdirSync(dir).filter((f) => f.startsWith('push.'));
    assert.ok(pushes.length >= 10, `expected the push fixtures in ${dir}`);
    for (const name of pushes) {
      const kind = name.split('.')[1];
      assert.equal(frame(name).kind, kind, name);
    }
  });

  it('the idle-after-done history is a baseline: no event at all', () => {
    const m = fresh();
    assert.deepEqual(play(m, [IDLE]), []);
    assert.equal(m.state, 'idle');
    assert.equal(m.linked, true);
  });

  it('a whole job from the fixtures: started, progress 22 from the float completion, paused, resumed, done', () => {
    const m = fresh();
    const events = play(m, [IDLE, 'push.event.PrintStarted.authored.json', 'push.current.printing.authored.json', 'push.event.PrintPaused.authored.json', 'push.event.PrintResumed.authored.json', 'push.event.PrintDone.authored.json']);
    assert.deepEqual(events.map((e) => e.type), ['print.started', 'print.progress', 'print.paused', 'print.resumed', 'print.done']);
    assert.equal(events[0].job?.file, '3DBenchy_0.2mm_PLA_MK3S_1h4m.gcode');
    assert.equal(events[1].job?.progress, 22);
    assert.equal(events[1].job?.remaining_s, 2931);
    assert.equal(events[2].reason, 'user');
    assert.equal(events[4].job?.elapsed_s, 3862);
    assert.equal(new Set(events.map((e) => e.id)).size, events.length);
  });

  it('PrintCancelled then the PrintFailed {cancelled} that follows: one print.cancelled, no print.failed', () => {
    const m = fresh();
    const events = play(m, [IDLE, 'push.event.PrintStarted.authored.json', 'push.event.PrintCancelled.authored.json', 'push.event.PrintFailed.cancelled.authored.json']);
    assert.deepEqual(events.map((e) => e.type), ['print.started', 'print.cancelled']);
    assert.equal(events[1].job?.elapsed_s, 1703);
  });

  it('PrintFailed {error} is print.failed with the error text; Error is printer.error with its faq code', () => {
    const m = fresh();
    const events = play(m, [IDLE, 'push.event.PrintStarted.authored.json', 'push.event.Error.authored.json', 'push.event.PrintFailed.error.authored.json']);
    assert.deepEqual(events.map((e) => e.type), ['print.started', 'printer.error', 'print.failed']);
    assert.deepEqual(events[1].error, { message: 'MINTEMP triggered, OMG, kill() called - Not SD printing', code: 'firmware-mintemp', severity: 'fatal' });
    assert.equal(events[2].error?.message, 'MINTEMP triggered, OMG, kill() called - Not SD printing');
  });

  it('FilamentChange (null payload) is printer.attention; Disconnected / Connected set the printer link', () => {
    const m = fresh();
    const events = play(m, [IDLE, 'push.event.PrintStarted.authored.json', 'push.event.FilamentChange.authored.json']);
    assert.deepEqual(events.map((e) => [e.type, e.reason]), [['print.started', undefined], ['printer.attention', 'filament_change']]);
    play(m, ['push.event.Disconnected.authored.json']);
    assert.equal(m.linked, false);
    play(m, ['push.event.Connected.authored.json']);
    assert.equal(m.linked, true);
    assert.deepEqual(play(m, ['push.event.PrinterStateChanged.authored.json', 'push.connected.authored.json']), []);
  });

  it('what we send matches the documented client messages: subscribe shape and auth "user:session"', () => {
    const sub = JSON.parse(text('ws.subscribe.request.json')) as { subscribe: Record<string, unknown> };
    assert.deepEqual(Object.keys(SUBSCRIBE_MESSAGE.subscribe).sort(), Object.keys(sub.subscribe).sort());
    const auth = JSON.parse(text('ws.auth.request.json')) as { auth: string };
    assert.equal(auth.auth.split(':').length, 2);
  });

  it('the probe reads the documented /api/version, /api/printer and /api/server (safe mode) responses', async () => {
    const server = http.createServer((req, res) => {
      const send = (body: string, status = 200) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      };
      if (req.url === '/api/version') return send(text('api.version.response.json'));
      if (req.url === '/api/server') return send(text('api.server.response.json'));
      if (req.url?.startsWith('/api/printer')) return send(text('api.printer.exclude-temperature-sd.response.json'));
      if (req.url === '/api/login' && req.method === 'POST') return send(JSON.stringify({ name: 'someuser', session: 'LGZ0trf8By' }));
      return send('{}', 404);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const result = await probeOctoPrint({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'k' });
      assert.deepEqual(result, {
        ok: true,
        message: 'Reachable · auth OK · OctoPrint 1.3.10 · printer Operational · but OctoPrint runs in safe mode (incomplete_startup): third-party plugins are disabled',
        version: '1.3.10',
        state: 'Operational',
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
