import assert from 'node:assert/strict';
import type { PrinterEvent } from '../../../../src/event';
import { OctoPrintConnection, SUBSCRIBE_MESSAGE, type ConnectionOptions } from '../../../../src/sources/octoprint/connection';
import { OctoPrintMonitor } from '../../../../src/sources/octoprint/monitor';
import { statusFor, type StatusView } from '../../../../src/sources/octoprint/status';
import { FakeOctoPrint } from '../../../fakes/octoprint/fake-octoprint';
import { sleep, waitFor } from './wait';

const printer = { id: 'octoprint-test', name: 'Ender', kind: 'octoprint' as const };

describe('octoprint connection and monitor (against the fake OctoPrint)', function () {
  this.timeout(10_000);
  let fake: FakeOctoPrint;
  let conn: OctoPrintConnection | undefined;
  let events: PrinterEvent[];
  /** What the node status shows, as the config node computes it. */
  let status: StatusView;
  let logs: string[];

  function connect(options: Partial<ConnectionOptions> = {}): OctoPrintConnection {
    const c = new OctoPrintConnection({
      apiKey: fake.apiKey,
      backoffBaseMs: 20,
      backoffMaxMs: 200,
      pingIntervalMs: 100,
      log: (_level, message) => logs.push(message),
      ...options,
      url: options.url ?? fake.url,
    });
    new OctoPrintMonitor({
      printer,
      connection: c,
      offlineDelayMs: 150,
      emit: (e: PrinterEvent) => events.push(e),
      onPhase: (phase, view) => (status = statusFor(phase, view)),
    });
    c.start();
    conn = c;
    return c;
  }

  const types = (): string[] => events.map((e) => e.type);
  const jobTypes = (): string[] => types().filter((t) => t.startsWith('print.'));
  const up = async (): Promise<void> => waitFor(() => fake.authedSockets === 1, 'an authenticated socket');

  beforeEach(async () => {
    fake = await new FakeOctoPrint({ prefix: '/octo', globalKey: 'global-key' }).start();
    events = [];
    status = { fill: 'grey', shape: 'ring', text: 'idle' };
    logs = [];
  });

  afterEach(async () => {
    await conn?.stop();
    conn = undefined;
    await fake.stop();
  });

  it('follows the handshake of docs/octoprint.md: passive POST login, subscribe before auth with name:session, under the path prefix', async () => {
    connect();
    await up();
    assert.ok(fake.requests.includes('POST /octo/api/login'));
    const sent = fake.received[0] as Array<Record<string, unknown>>;
    assert.deepEqual(sent[0], SUBSCRIBE_MESSAGE);
    assert.match(String(sent[1].auth), /^alice:sess1x/);
    await waitFor(() => types().includes('printer.online'), 'printer.online');
    assert.deepEqual(status, { fill: 'grey', shape: 'dot', text: 'idle' });
  });

  it('a normal job end to end, with the status showing progress', async () => {
    connect();
    await up();
    fake.startJob('benchy.gcode');
    fake.progress(12.4);
    await waitFor(() => status.text === 'printing 12%', 'status printing 12%');
    assert.equal(status.fill, 'green');
    fake.progress(13.1);
    fake.finishJob();
    await waitFor(() => jobTypes().includes('print.done'), 'print.done');
    assert.deepEqual(jobTypes(), ['print.started', 'print.progress', 'print.progress', 'print.done']);
    assert.deepEqual(events.filter((e) => e.type === 'print.progress').map((e) => e.job?.progress), [12, 13]);
  });

  it('pause and resume through the socket: print.paused (user) then print.resumed', async () => {
    connect();
    await up();
    fake.startJob('benchy.gcode');
    fake.state.flags = { ...fake.state.flags, printing: false, paused: true };
    fake.event('PrintPaused', fake.filePayload({ user: 'alice', progress: 22 }));
    await waitFor(() => status.text.startsWith('paused') === true, 'paused status');
    fake.setPrinting('benchy.gcode', 22);
    fake.event('PrintResumed', fake.filePayload({ user: 'alice' }));
    await waitFor(() => jobTypes().includes('print.resumed'), 'print.resumed');
    assert.deepEqual(jobTypes(), ['print.started', 'print.paused', 'print.resumed']);
    assert.equal(events.find((e) => e.type === 'print.paused')?.reason, 'user');
  });

  it('cancel through the socket: PrintCancelled then PrintFailed {cancelled} give one print.cancelled', async () => {
    connect();
    await up();
    fake.startJob('benchy.gcode');
    fake.state.markings.push({ type: 'cancel', time: Date.now() / 1000 });
    fake.setIdle();
    fake.event('PrintCancelled', fake.filePayload({ user: 'alice', time: 12.3, progress: 40 }));
    fake.event('PrintFailed', fake.filePayload({ user: 'alice', time: 12.3, reason: 'cancelled' }));
    fake.event('Connected', { port: 'VIRTUAL', baudrate: 250000 }); // a later frame: everything before it was handled
    await waitFor(() => jobTypes().includes('print.cancelled'), 'print.cancelled');
    await sleep(50);
    assert.deepEqual(jobTypes(), ['print.started', 'print.cancelled']);
  });

  it('failure by error through the socket: printer.error, then print.failed with the error text', async () => {
    connect();
    await up();
    fake.startJob('benchy.gcode');
    fake.event('Error', { error: 'Thermal Runaway', reason: 'firmware', consequence: 'emergency', faq: 'firmware-thermal-runaway' });
    fake.event('PrintFailed', fake.filePayload({ reason: 'error', error: 'Thermal Runaway', time: 80.2, progress: 0.1 }));
    await waitFor(() => jobTypes().includes('print.failed'), 'print.failed');
    assert.deepEqual(types().filter((t) => t !== 'printer.online'), ['print.started', 'printer.error', 'print.failed']);
    assert.equal(events.find((e) => e.type === 'print.failed')?.error?.message, 'Thermal Runaway');
    assert.equal(events.find((e) => e.type === 'printer.error')?.error?.code, 'firmware-thermal-runaway');
  });

  it('an idle printer after a finished job: no job event at connect', async () => {
    fake.startJob('old.gcode');
    fake.finishJob();
    connect();
    await up();
    await waitFor(() => types().includes('printer.online'), 'online');
    await sleep(100);
    assert.deepEqual(jobTypes(), []);
  });

  it('socket dropped mid-job, job finishes while it is down: exactly one print.done after reconnect', async () => {
    connect();
    await up();
    fake.startJob('benchy.gcode');
    fake.progress(40.2);
    await waitFor(() => status.text === 'printing 40%', 'printing');
    fake.refuseSockets = true;
    fake.dropSockets();
    await waitFor(() => status.text === 'connecting', 'connecting status');
    fake.finishJob(true);
    await sleep(60);
    fake.refuseSockets = false;
    await up();
    await waitFor(() => jobTypes().includes('print.done'), 'print.done after reconnect');
    // A second drop and reconnect must not repeat it.
    fake.dropSockets();
    await waitFor(() => fake.socketsAccepted >= 3 && fake.authedSockets === 1, 'second reconnect');
    await sleep(100);
    assert.deepEqual(jobTypes(), ['print.started', 'print.progress', 'print.done']);
    assert.ok(fake.logins >= 3, 'every new socket logs in passively again');
  });

  it('a short drop is no printer.offline; a long one is, then printer.online when back', async () => {
    connect();
    await up();
    await waitFor(() => types().includes('printer.online'), 'online');
    fake.dropSockets();
    await up();
    await sleep(200);
    assert.deepEqual(types().filter((t) => t.startsWith('printer.')), ['printer.online']);
    fake.refuseSockets = true;
    fake.dropSockets();
    await waitFor(() => types().includes('printer.offline'), 'offline after the debounce');
    fake.refuseSockets = false;
    await waitFor(() => types().filter((t) => t === 'printer.online').length === 2, 'online again');
  });

  it('printer Disconnected / Connected events drive printer.offline / online while the socket stays up', async () => {
    connect();
    await up();
    await waitFor(() => types().includes('printer.online'), 'online');
    fake.event('Disconnected', null);
    await waitFor(() => types().includes('printer.offline'), 'offline');
    fake.event('Connected', { port: 'VIRTUAL', baudrate: 250000 });
    await waitFor(() => types().filter((t) => t === 'printer.online').length === 2, 'online again');
  });

  it('a rejected key: red "API key rejected", no socket auth, slow retries only', async () => {
    connect({ apiKey: 'wrong', backoffBaseMs: 10, backoffMaxMs: 300 });
    await waitFor(() => status.text === 'API key rejected', 'rejected status');
    assert.equal(status.fill, 'red');
    await sleep(400);
    assert.ok(fake.socketsAccepted <= 3, `retries must be slow, got ${fake.socketsAccepted} sockets in ~0.4 s`);
    assert.equal(fake.authedSockets, 0);
    assert.equal(logs.filter((l) => l.includes('API key rejected')).length >= 1, true);
  });

  it('the global API key is refused with a message saying what to use instead', async () => {
    connect({ apiKey: 'global-key' });
    await waitFor(() => /global API key/.test(status.text ?? ''), 'global key status');
    assert.equal(fake.authedSockets, 0);
  });

  it('reauthRequired: passive login again for "modified"; "logout" is reported as a session problem', async () => {
    connect();
    await up();
    fake.push({ reauthRequired: { reason: 'modified' } });
    await waitFor(() => fake.logins === 2, 'second passive login');
    fake.reauth('logout');
    await waitFor(() => status.fill === 'red' && /session/.test(status.text), 'session problem');
  });

  it('malformed frames and unknown message types are ignored and logged once per kind', async () => {
    connect();
    await up();
    for (let i = 0; i < 3; i += 1) {
      fake.pushRaw('{not json');
      fake.push({ brandNewThing: { x: i } });
      fake.push({ event: { payload: {} } });
      fake.push({ timelapse: null });
    }
    fake.startJob('benchy.gcode');
    await waitFor(() => jobTypes().includes('print.started'), 'still processing after garbage');
    assert.equal(logs.filter((l) => l.includes('not JSON')).length, 1);
    assert.equal(logs.filter((l) => l.includes('"brandNewThing"')).length, 1);
    assert.equal(logs.filter((l) => l.includes('event without a type')).length, 1);
    assert.equal(logs.filter((l) => l.includes('timelapse')).length, 0);
  });

  it('a silent server (no pong) is dropped and reconnected', async () => {
    connect({ pingIntervalMs: 50 });
    await up();
    const sockets = fake.socketsAccepted;
    // Pause the server side of the socket so it cannot answer pings.
    (fake as unknown as { sockets: Set<{ _socket: { pause(): void } }> }).sockets.forEach((ws) => ws._socket.pause());
    await waitFor(() => fake.socketsAccepted > sockets, 'a new socket after a missed pong', 3000);
  });

  it('a wrong path prefix: the websocket upgrade answers 404 and the status says so', async () => {
    connect({ url: `http://127.0.0.1:${fake.port}/wrong` });
    await waitFor(() => status.text === 'HTTP 404 (websocket)', 'HTTP 404 status');
    assert.equal(status.fill, 'red');
  });

  it('unreachable OctoPrint: red status naming it, then connects once it is there', async () => {
    const port = fake.port;
    await fake.stop();
    connect({ url: `http://127.0.0.1:${port}/octo` });
    await waitFor(() => status.text === 'unreachable (ECONNREFUSED)', 'an unreachable status');
    await sleep(150);
    assert.equal(logs.filter((l) => l.includes('OctoPrint unreachable (ECONNREFUSED)')).length, 1, 'logged once, not per retry');
    assert.equal(status.fill, 'red');
    fake = await new FakeOctoPrint({ prefix: '/octo' }).start(port);
    await up();
  });

  it('https: a self-signed certificate is refused by default (red TLS status) and accepted when allowed', async () => {
    await fake.stop();
    fake = await new FakeOctoPrint({ tls: true }).start();
    const strict = connect();
    await waitFor(() => status.text === 'TLS: certificate not trusted', 'TLS status');
    assert.ok(logs.some((l) => /DEPTH_ZERO_SELF_SIGNED_CERT/.test(l)), 'the log has the detail');
    assert.equal(fake.authedSockets, 0);
    await strict.stop();
    connect({ allowSelfSigned: true });
    await up();
    assert.match(fake.url, /^https:/);
  });

  it('stop() closes the socket within a second and emits nothing afterwards', async () => {
    const c = connect();
    await up();
    const t0 = Date.now();
    await c.stop();
    assert.ok(Date.now() - t0 < 1000);
    await waitFor(() => fake.openSockets === 0, 'socket closed on the server side', 1000);
    const count = events.length;
    fake.startJob('x.gcode');
    await sleep(100);
    assert.equal(events.length, count);
    conn = undefined;
  });
});
