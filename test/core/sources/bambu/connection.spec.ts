import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { FakePrinter } from '../../../fakes/bambu/fake-printer';
import { testPki } from '../../../fakes/bambu/certs';
import { delta, fullReport, idleAfterFinish } from '../../../fakes/bambu/reports';
import { rig, sleep, waitFor, type Rig } from './harness';

function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

describe('bambu connection (fake printer over TLS)', () => {
  let printer: FakePrinter;
  let r: Rig | undefined;

  afterEach(async () => {
    await r?.stop();
    r = undefined;
    await printer?.stop();
  });

  it('pins the certificate on first use, identifies the model and follows a scripted job', async () => {
    printer = await new FakePrinter({ productName: 'Bambu Lab X1-Carbon' }).start();
    r = rig(printer);
    await waitFor(() => r!.connection.phase.phase === 'ready', 'ready');
    assert.equal(r.pins.get(printer.serial), fingerprintOf(printer.pki.cert));
    await waitFor(() => r!.connection.printer.model === 'X1-Carbon', 'model');
    assert.deepEqual(printer.requests.map((q) => q.command).slice(0, 2), ['get_version', 'pushall']);
    printer.publish(delta({ gcode_state: 'PREPARE', subtask_name: 'gear', gcode_start_time: '1763900100' }));
    printer.publish(delta({ gcode_state: 'RUNNING', mc_percent: 12 }));
    printer.publish(delta({ print_error: 50348044 }));
    printer.publish(delta({ print_error: 50348044 }));
    printer.publish(delta({ gcode_state: 'FAILED', fail_reason: '50348044' }));
    await waitFor(() => r!.types().includes('print.cancelled'), 'cancel');
    await sleep(50);
    assert.deepEqual(r.types(), ['printer.online', 'print.started', 'print.progress', 'print.cancelled', 'printer.bed_cooled']);
  });

  it('an idle printer still reporting FINISH produces nothing, also after the printer drops the link', async () => {
    printer = await new FakePrinter({ state: idleAfterFinish(), productName: 'Bambu Lab X1-Carbon' }).start();
    r = rig(printer, { offlineDelayMs: 5000 });
    await waitFor(() => r!.connection.phase.phase === 'ready', 'ready');
    printer.dropClients();
    await waitFor(() => printer.pushalls >= 2 && r!.connection.phase.phase === 'ready', 'reconnected');
    await sleep(50);
    assert.deepEqual(r.types(), ['printer.online']);
  });

  it('reconnects and asks for pushall again when the broker goes silent', async () => {
    printer = await new FakePrinter({ productName: 'Bambu Lab X1-Carbon' }).start();
    r = rig(printer, { watchdogMs: 250, offlineDelayMs: 5000 });
    await waitFor(() => r!.connection.phase.phase === 'ready', 'ready');
    const before = printer.connections;
    printer.silent = true;
    await waitFor(() => printer.connections > before, 'watchdog reconnect', 3000);
    printer.silent = false;
    await waitFor(() => printer.pushalls >= 2 && r!.connection.phase.phase === 'ready', 'fresh pushall');
    assert.ok(r.warnings.some((w) => /no message/.test(w)));
    assert.deepEqual(r.types(), ['printer.online']);
  });

  it('P1/A1: no second pushall within the minimum interval, then one when it has passed', async () => {
    printer = await new FakePrinter({ productName: 'Bambu Lab P1S' }).start();
    r = rig(printer, { pushallMinIntervalMs: 600 });
    await waitFor(() => r!.connection.phase.phase === 'ready' && r!.connection.printer.model === 'P1S', 'ready');
    const firstAt = printer.requests.find((q) => q.command === 'pushall')!.at;
    printer.dropClients();
    await waitFor(() => printer.requests.filter((q) => q.command === 'get_version').length >= 2, 'reconnect');
    assert.equal(printer.pushalls, 1);
    await waitFor(() => printer.pushalls === 2, 'deferred pushall', 2000);
    const secondAt = printer.requests.filter((q) => q.command === 'pushall')[1].at;
    assert.ok(secondAt - firstAt >= 550, `gap ${secondAt - firstAt} ms`);
  });

  it('a wrong access code gives "access code or serial rejected" and only slow retries', async () => {
    printer = await new FakePrinter().start();
    r = rig(printer, { accessCode: 'wrong', slowRetryMs: 400 });
    await waitFor(() => r!.connection.phase.phase === 'failed', 'failed');
    const phase = r.connection.phase;
    assert.ok(phase.phase === 'failed' && phase.problem === 'auth' && phase.message === 'access code or serial rejected');
    await sleep(600);
    assert.ok(printer.authFailures >= 2 && printer.authFailures <= 3, `attempts ${printer.authFailures}`);
    assert.equal(r.pins.get(printer.serial), undefined, 'nothing is pinned from a failed login');
  });

  it('pin: a changed certificate is refused before the access code is sent, until the user re-pins', async () => {
    printer = await new FakePrinter({ otherCert: true }).start();
    r = rig(printer, { slowRetryMs: 200 });
    r.pins.set(printer.serial, fingerprintOf(printer.pki.cert));
    await waitFor(() => r!.connection.phase.phase === 'failed', 'refused');
    const phase = r.connection.phase;
    assert.ok(phase.phase === 'failed' && phase.problem === 'pin', JSON.stringify(phase));
    assert.match(phase.message, /certificate changed/);
    await sleep(300);
    assert.equal(printer.connections + printer.authFailures, 0, 'the broker never saw a CONNECT');
    r.pins.clear(printer.serial);
    await waitFor(() => r!.connection.phase.phase === 'ready', 're-pinned', 3000);
    assert.equal(r.pins.get(printer.serial), fingerprintOf(printer.pki.otherCert));
  });

  it('pin: an expected fingerprint from the config wins over trust on first use', async () => {
    printer = await new FakePrinter().start();
    r = rig(printer, { fingerprint: fingerprintOf(printer.pki.otherCert) });
    await waitFor(() => r!.connection.phase.phase === 'failed', 'refused');
    assert.equal(r.pins.get(printer.serial), undefined);
  });

  it('ca: verifies the chain with servername = serial; a foreign CA or another serial fails', async () => {
    printer = await new FakePrinter().start();
    r = rig(printer, { mode: 'ca', ca: printer.pki.ca });
    await waitFor(() => r!.connection.phase.phase === 'ready', 'ready');
    await r.stop();
    r = rig(printer, { mode: 'ca', ca: testPki('OTHERSERIAL').ca });
    await waitFor(() => r!.connection.phase.phase === 'failed', 'foreign CA refused');
    const phase = r.connection.phase;
    assert.ok(phase.phase === 'failed' && phase.problem === 'tls', JSON.stringify(phase));
    await r.stop();
    r = rig(printer, { mode: 'ca', ca: printer.pki.ca, serial: 'NOTTHESERIAL' });
    await waitFor(() => r!.connection.phase.phase === 'failed', 'other serial refused');
    const named = r.connection.phase;
    assert.ok(named.phase === 'failed' && named.problem === 'tls', JSON.stringify(named));
  });

  it('insecure: connects to any certificate', async () => {
    printer = await new FakePrinter({ otherCert: true }).start();
    r = rig(printer, { mode: 'insecure', fingerprint: '00'.repeat(32) });
    await waitFor(() => r!.connection.phase.phase === 'ready', 'ready');
  });

  it('skips malformed JSON with one warning and keeps going', async () => {
    printer = await new FakePrinter().start();
    r = rig(printer);
    await waitFor(() => r!.connection.phase.phase === 'ready', 'ready');
    printer.sendRaw('{"print": {"gcode_state": ');
    printer.sendRaw('not json at all');
    printer.sendRaw('[1,2]');
    printer.sendRaw('{"print": {"command": "gcode_line", "gcode_state": "RUNNING"}}');
    printer.publish(delta({ gcode_state: 'RUNNING', subtask_name: 'after-garbage' }));
    await waitFor(() => r!.types().includes('print.started'), 'started');
    assert.equal(r.warnings.filter((w) => /not valid JSON/.test(w)).length, 1);
    assert.equal(r.events.find((e) => e.type === 'print.started')?.job?.file, 'after-garbage');
  });

  it('merges deltas into the cache across reconnects', async () => {
    printer = await new FakePrinter({ state: fullReport({ gcode_state: 'RUNNING', subtask_name: 'x', mc_percent: 5 }) }).start();
    r = rig(printer);
    await waitFor(() => r!.connection.phase.phase === 'ready', 'ready');
    printer.publish(delta({ ams: { ams: [{ id: '0', tray: [{ id: '1', remain: 10 }] }] } }));
    await waitFor(() => JSON.stringify(r!.connection.state).includes('"remain":10'), 'merged');
    const trays = (r.connection.state.ams as { ams: Array<{ tray: unknown[] }> }).ams[0].tray;
    assert.equal(trays.length, 2);
  });

  it('stops within a second and leaves nothing running', async () => {
    printer = await new FakePrinter().start();
    r = rig(printer);
    await waitFor(() => r!.connection.phase.phase === 'ready', 'ready');
    const started = Date.now();
    await r.stop();
    assert.ok(Date.now() - started < 1000);
    assert.equal(r.connection.phase.phase, 'idle');
    r = undefined;
    await sleep(50);
    const before = printer.connections;
    await sleep(200);
    assert.equal(printer.connections, before);
  });

  it('options Node refuses outright give a red status and slow retries, never an exception', async () => {
    printer = await new FakePrinter().start();
    r = rig(printer, { port: 70000, slowRetryMs: 100 });
    await waitFor(() => r!.connection.phase.phase === 'failed', 'failed');
    const phase = r.connection.phase;
    assert.ok(phase.phase === 'failed' && /^cannot connect:/.test(phase.message), JSON.stringify(phase));
    await sleep(250);
    assert.equal(r.connection.phase.phase, 'failed');
  });
});
