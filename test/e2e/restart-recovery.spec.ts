import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventId, type PrinterEvent } from '../../src/event';
import { FakePrinter } from '../fakes/bambu/fake-printer';
import { delta } from '../fakes/bambu/reports';
import { FakeMoonraker } from '../fakes/moonraker/fake-moonraker';
import { FakeOctoPrint } from '../fakes/octoprint/fake-octoprint';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { node22 } from './support/node22';
import { ensureBuilt, NodeRedProcess } from './support/node-red-process';
import { until } from './support/until';

/**
 * Restart recovery (docs/lifecycle.md, "Restarts"): Node-RED is killed with SIGKILL while four printers of
 * each kind print (fake OctoPrint, Moonraker and Bambu, kept running). While Node-RED is dead, printer 0's job
 * is done, printer 2's is cancelled and printer 3's fails; printer 1's keeps going. After the restart each
 * ended job is reported once, as it really ended, with the id it would have had live; the running one gets
 * no second print.started but carries on (progress, also through a full redeploy, then its own print.done).
 * Deleting a printer's config node deletes its state file.
 */

/** What happens to printer i's job while Node-RED is dead (undefined: it keeps printing). */
const WHILE_DEAD = ['finished', undefined, 'cancelled', 'failed'] as const;
const TERMINAL = { finished: 'print.done', cancelled: 'print.cancelled', failed: 'print.failed' } as const;
const PRINTERS = WHILE_DEAD.length;
const JOBS = ['a', 'b', 'c', 'd'];

/** Deploys `flows` through the admin API as a full deploy (every node restarts) and waits for the flows. */
async function deploy(red: NodeRedProcess, flows: object[]): Promise<void> {
  const startedBefore = red.output.split('Started flows').length;
  const res = await fetch(`${red.url}/flows`, { method: 'POST', headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' }, body: JSON.stringify(flows) });
  assert.ok(res.ok, `deploy answered ${res.status}`);
  await until(() => red.output.split('Started flows').length > startedBefore, 20_000, () => 'the redeployed flows to start');
}

interface Printers {
  octo: FakeOctoPrint[];
  moon: FakeMoonraker[];
  bambu: FakePrinter[];
}

function flows(p: Printers, receiverUrl: string): { flows: object[]; credentials: Record<string, Record<string, string>> } {
  const flows: object[] = [
    { id: 'tab', type: 'tab', label: 'restart recovery' },
    { id: 'post', type: 'http request', z: 'tab', method: 'POST', ret: 'txt', url: `${receiverUrl}/events`, tls: '', persist: false, wires: [[]] },
  ];
  const credentials: Record<string, Record<string, string>> = {};
  for (let i = 0; i < PRINTERS; i += 1) {
    flows.push(
      { id: `osrv${i}`, type: 'printhooks-octoprint-server', name: `octo${i}`, url: p.octo[i].url },
      { id: `osrc${i}`, type: 'printhooks-octoprint', z: 'tab', server: `osrv${i}`, wires: [['post']] },
      { id: `msrv${i}`, type: 'printhooks-moonraker-server', name: `moon${i}`, url: p.moon[i].url, reconnectMs: 50 },
      { id: `msrc${i}`, type: 'printhooks-moonraker', z: 'tab', server: `msrv${i}`, historyWaitMs: 300, wires: [['post']] },
      { id: `bcfg${i}`, type: 'printhooks-bambu-printer', name: `bambu${i}`, host: '127.0.0.1', port: p.bambu[i].port, serial: p.bambu[i].serial, tls: 'pin', reconnectMs: 50 },
      { id: `bsrc${i}`, type: 'printhooks-bambu', z: 'tab', printer: `bcfg${i}`, wires: [['post']] },
    );
    credentials[`osrv${i}`] = { apiKey: p.octo[i].apiKey };
    credentials[`bcfg${i}`] = { accessCode: p.bambu[i].accessCode };
  }
  return { flows, credentials };
}

for (const line of ['4', '5'] as const) {
  describe(`e2e: a job survives kill -9 of Node-RED ${line === '4' ? '4.1' : '5.0'} on OctoPrint, Moonraker and Bambu`, function () {
    this.timeout(120_000);
    let userDir: string;
    let rx: FakeReceiver;
    let red: NodeRedProcess | undefined;
    let printers: Printers;

    before(() => ensureBuilt());
    beforeEach(async () => {
      userDir = fs.mkdtempSync(path.join(os.tmpdir(), `printhooks-e2e-restart${line}-`));
      rx = await new FakeReceiver().start();
      const indexes = [...Array(PRINTERS).keys()];
      printers = {
        octo: await Promise.all(indexes.map(() => new FakeOctoPrint().start())),
        moon: indexes.map(() => new FakeMoonraker()),
        bambu: await Promise.all(indexes.map((i) => new FakePrinter({ serial: `01P00A00000010${i}` }).start())),
      };
      await Promise.all(printers.moon.map((m) => m.listen()));
    });
    afterEach(async () => {
      await red?.stop();
      await rx.stop();
      await Promise.all([...printers.octo.map((o) => o.stop()), ...printers.moon.map((m) => m.close()), ...printers.bambu.map((b) => b.stop())]);
      fs.rmSync(userDir, { recursive: true, force: true });
    });

    it('reports each job that ended while Node-RED was dead once, as it really ended, with its live id; a running job gets no second start across the restart and a redeploy', async () => {
      const { octo, moon, bambu } = printers;
      const { flows: nodes, credentials } = flows(printers, rx.url);
      const events = (): PrinterEvent[] => rx.received.filter((r) => r.path === '/events').map((r) => JSON.parse(r.body.toString()) as PrinterEvent);
      const of = (type: string, file?: string) => events().filter((e) => e.type === type && (file === undefined || e.job?.file === file));
      const kinds = (list: PrinterEvent[]) => list.map((e) => e.printer.kind).sort().join(',');
      const start = async (label: string): Promise<NodeRedProcess> => {
        fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(credentials));
        const proc = new NodeRedProcess({
          userDir,
          flows: nodes,
          label,
          line,
          nodeBinary: line === '5' ? node22() : undefined,
          settings: { printhooksOctoprintServerTimings: { backoffBaseMs: 50, backoffMaxMs: 200 } },
        });
        await proc.start(90_000);
        return proc;
      };

      // A damaged state file left by an earlier run is set aside with a warning; that printer starts afresh.
      const stateDir = path.join(userDir, 'printhooks', 'state');
      fs.mkdirSync(stateDir, { recursive: true });
      fs.writeFileSync(path.join(stateDir, 'osrv0.json'), '{"format":"printhooks-job-state","version":1,"tr');

      red = await start('first run');
      assert.equal(fs.readdirSync(stateDir).filter((f) => f.startsWith('osrv0.json.corrupt-')).length, 1, 'the damaged file is set aside');
      assert.match(red.output, /osrv0\.json is corrupt \(not JSON/);
      const all = 3 * PRINTERS;
      await until(() => new Set(of('printer.online').map((e) => e.printer.id)).size === all, 20_000, () => `${all} printers online (${kinds(of('printer.online'))})`);

      for (let i = 0; i < PRINTERS; i += 1) {
        const name = JOBS[i];
        octo[i].startJob(`${name}.gcode`);
        moon[i].update({ print_stats: { state: 'printing', filename: `${name}.gcode` }, virtual_sdcard: { progress: 0.1, is_active: true } });
        bambu[i].publish(delta({ gcode_state: 'RUNNING', subtask_name: name, gcode_file: `/data/${name}.gcode`, gcode_start_time: String(1764000000 + i), mc_percent: 10 }));
      }
      await until(() => of('print.started').length === all, 20_000, () => `${all} print.started (${kinds(of('print.started'))})`);
      const startedOn = new Map(of('print.started').map((e) => [e.printer.id, e]));

      // Every job is on disk before the kill (an edge is written at once).
      const stored = () => fs.readdirSync(stateDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(stateDir, f), 'utf8')) as { tracker: { state?: string } });
      await until(() => stored().filter((s) => s.tracker.state === 'printing').length === all, 10_000, () => 'every printing job in the state files');
      const onDisk = fs.readdirSync(stateDir).map((f) => fs.readFileSync(path.join(stateDir, f), 'utf8')).join('\n');
      for (const secret of [octo[0].apiKey, bambu[0].accessCode]) assert.ok(!onDisk.includes(secret), 'no secret in the state files');

      await red.kill();
      const killedAt = Date.now();
      const receivedBeforeKill = rx.received.length;

      // While Node-RED is dead.
      octo[0].finishJob(true);
      octo[0].state.markings = []; // an OctoPrint that forgot its chart markings: the file's prints.last tells
      octo[2].cancelJob(true);
      octo[3].failJob('SerialException: device reports readiness to read but returned no data', true);
      moon[0].update({ print_stats: { state: 'complete' }, virtual_sdcard: { progress: 1, is_active: false } });
      moon[2].update({ print_stats: { state: 'cancelled' } });
      moon[3].update({ print_stats: { state: 'error', message: 'Heater extruder not heating at expected rate' } });
      bambu[0].publish(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
      bambu[2].publish(delta({ gcode_state: 'FAILED', fail_reason: '50348044', print_error: 0 }));
      bambu[3].publish(delta({ gcode_state: 'FAILED', print_error: 0x0300_8003 }));
      octo[1].progress(40);
      moon[1].update({ virtual_sdcard: { progress: 0.4 } });
      bambu[1].publish(delta({ mc_percent: 40 }));

      red = await start('restart');
      const terminals = () => events().filter((e) => e.type === 'print.done' || e.type === 'print.cancelled' || e.type === 'print.failed');
      const ended = 3 * WHILE_DEAD.filter(Boolean).length;
      await until(() => terminals().length === ended, 20_000, () => `${ended} terminal events after the restart (${terminals().map((e) => `${e.printer.kind}:${e.type}`).join(', ')})`);
      for (const terminal of terminals()) {
        const started = startedOn.get(terminal.printer.id);
        assert.ok(started, `${terminal.type} is for a job that was started`);
        const index = JOBS.findIndex((name) => started.job?.file === name || started.job?.file === `${name}.gcode`);
        const outcome = WHILE_DEAD[index];
        assert.ok(outcome, `${terminal.printer.kind} printer ${index}: its job ended while Node-RED was dead`);
        assert.equal(terminal.type, TERMINAL[outcome], `${terminal.printer.kind} printer ${index}: reported as it really ended`);
        assert.equal(terminal.job?.id, started.job?.id, `${terminal.printer.kind} printer ${index}: the same job`);
        assert.equal(terminal.id, eventId(terminal.printer.id, started.job?.id, terminal.type), `${terminal.printer.kind} printer ${index}: the id it would have had live`);
      }
      assert.ok(rx.received.slice(receivedBeforeKill).every((r) => r.at >= killedAt), 'reported after the restart');

      // Printer 1's job carries on: progress after the restart, then its own end, with no second start.
      octo[1].progress(45);
      moon[1].update({ virtual_sdcard: { progress: 0.45 } });
      bambu[1].publish(delta({ mc_percent: 45 }));
      await until(() => of('print.progress').filter((e) => e.job?.progress === 45).length === 3, 20_000, () => `progress 45 on the three running jobs (${kinds(of('print.progress'))})`);
      // A full redeploy restarts every node: the state goes through close and load, still no second start.
      const running = new Set([...startedOn.values()].filter((e) => e.job?.file === 'b' || e.job?.file === 'b.gcode').map((e) => e.printer.id));
      const onlineBefore = of('printer.online').length;
      await deploy(red, nodes);
      const backOnline = () => new Set(of('printer.online').slice(onlineBefore).map((e) => e.printer.id).filter((id) => running.has(id)));
      await until(() => backOnline().size === 3, 20_000, () => 'the printers with the running job online after the redeploy');
      octo[1].progress(50);
      moon[1].update({ virtual_sdcard: { progress: 0.5 } });
      bambu[1].publish(delta({ mc_percent: 50 }));
      await until(() => of('print.progress').filter((e) => e.job?.progress === 50).length === 3, 20_000, () => `progress 50 after the redeploy (${kinds(of('print.progress'))})`);
      octo[1].finishJob();
      moon[1].update({ print_stats: { state: 'complete' }, virtual_sdcard: { progress: 1, is_active: false } });
      bambu[1].publish(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
      await until(() => terminals().length === all, 20_000, () => `${all} terminal events (${kinds(terminals())})`);
      await new Promise((r) => setTimeout(r, 300));

      const byPrinter = new Map<string, string[]>();
      for (const e of events()) if (e.type.startsWith('print.') && e.type !== 'print.progress') byPrinter.set(e.printer.id, [...(byPrinter.get(e.printer.id) ?? []), e.type]);
      assert.equal(byPrinter.size, all);
      for (const [id, types] of byPrinter) {
        assert.equal(types.length, 2, `${id}: one start and one end, whatever the restart (${types.join(', ')})`);
        assert.equal(types[0], 'print.started');
      }
      const ids = events().filter((e) => e.type.startsWith('print.')).map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length, 'no print event was sent twice');

      // Deleting a printer's config node deletes its state file; the others keep theirs.
      const files = () => fs.readdirSync(stateDir).filter((f) => f.endsWith('.json')).sort();
      const configs = (list: object[]) => list.map((n) => (n as { id: string; type: string })).filter((n) => /-(server|printer)$/.test(n.type)).map((n) => `${n.id}.json`).sort();
      assert.deepEqual(files(), configs(nodes));
      const kept = nodes.filter((n) => !['osrv1', 'osrc1', 'msrv1', 'msrc1'].includes((n as { id: string }).id));
      await deploy(red, kept);
      assert.deepEqual(files(), configs(kept));
      assert.ok(!files().includes('osrv1.json') && !files().includes('msrv1.json'));
    });
  });
}
