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

/**
 * Restart recovery (docs/lifecycle.md, "Restarts"): Node-RED is killed with SIGKILL while one printer of
 * each kind prints job A and another prints job B. The fakes keep running; A ends while Node-RED is
 * down, B keeps going. After the restart A is reported once as print.done with the id it would have had
 * live, and B gets no second print.started but carries on (progress, then its own print.done), also
 * through a full redeploy. Deleting a printer's config node deletes its state file.
 */

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Deploys `flows` through the admin API as a full deploy (every node restarts) and waits for the flows. */
async function deploy(red: NodeRedProcess, flows: object[]): Promise<void> {
  const startedBefore = red.output.split('Started flows').length;
  const res = await fetch(`${red.url}/flows`, { method: 'POST', headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' }, body: JSON.stringify(flows) });
  assert.ok(res.ok, `deploy answered ${res.status}`);
  await until(() => red.output.split('Started flows').length > startedBefore, 20_000, () => 'the redeployed flows to start');
}

interface Printers {
  octo: [FakeOctoPrint, FakeOctoPrint];
  moon: [FakeMoonraker, FakeMoonraker];
  bambu: [FakePrinter, FakePrinter];
}

function flows(p: Printers, receiverUrl: string): { flows: object[]; credentials: Record<string, Record<string, string>> } {
  const flows: object[] = [
    { id: 'tab', type: 'tab', label: 'restart recovery' },
    { id: 'post', type: 'http request', z: 'tab', method: 'POST', ret: 'txt', url: `${receiverUrl}/events`, tls: '', persist: false, wires: [[]] },
  ];
  const credentials: Record<string, Record<string, string>> = {};
  for (const i of [0, 1]) {
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
      printers = {
        octo: [await new FakeOctoPrint().start(), await new FakeOctoPrint().start()],
        moon: [new FakeMoonraker(), new FakeMoonraker()],
        bambu: [await new FakePrinter({ serial: '01P00A000000101' }).start(), await new FakePrinter({ serial: '01P00A000000102' }).start()],
      };
      await Promise.all(printers.moon.map((m) => m.listen()));
    });
    afterEach(async () => {
      await red?.stop();
      await rx.stop();
      await Promise.all([...printers.octo.map((o) => o.stop()), ...printers.moon.map((m) => m.close()), ...printers.bambu.map((b) => b.stop())]);
      fs.rmSync(userDir, { recursive: true, force: true });
    });

    it('reports a job that ended while Node-RED was dead once, with its live id; a running job gets no second start across the restart and a redeploy', async () => {
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
      await until(() => new Set(of('printer.online').map((e) => e.printer.id)).size === 6, 20_000, () => `6 printers online (${kinds(of('printer.online'))})`);

      // Job A on printer 0 of each kind, job B on printer 1.
      const jobs = ['a', 'b'] as const;
      for (const i of [0, 1]) {
        const name = jobs[i];
        octo[i].startJob(`${name}.gcode`);
        moon[i].update({ print_stats: { state: 'printing', filename: `${name}.gcode` }, virtual_sdcard: { progress: 0.1, is_active: true } });
        bambu[i].publish(delta({ gcode_state: 'RUNNING', subtask_name: name, gcode_file: `/data/${name}.gcode`, gcode_start_time: String(1764000000 + i), mc_percent: 10 }));
      }
      await until(() => of('print.started').length === 6, 20_000, () => `6 print.started (${kinds(of('print.started'))})`);
      const startedA = of('print.started').filter((e) => e.job?.file === 'a.gcode' || e.job?.file === 'a');
      assert.equal(startedA.length, 3);

      // Both jobs are on disk before the kill (an edge is written at once).
      const stored = () => fs.readdirSync(stateDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(stateDir, f), 'utf8')) as { tracker: { state?: string } });
      await until(() => fs.existsSync(stateDir) && stored().filter((s) => s.tracker.state === 'printing').length === 6, 10_000, () => 'six printing jobs in the state files');
      const onDisk = fs.readdirSync(stateDir).map((f) => fs.readFileSync(path.join(stateDir, f), 'utf8')).join('\n');
      for (const secret of [octo[0].apiKey, bambu[0].accessCode]) assert.ok(!onDisk.includes(secret), 'no secret in the state files');

      await red.kill();
      const killedAt = Date.now();
      const receivedBeforeKill = rx.received.length;

      // While Node-RED is dead: A ends on every printer, B moves on.
      octo[0].finishJob(true);
      octo[0].state.markings = []; // an OctoPrint that forgot its chart markings: the file's prints.last tells
      moon[0].update({ print_stats: { state: 'complete' }, virtual_sdcard: { progress: 1, is_active: false } });
      bambu[0].publish(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
      octo[1].progress(40);
      moon[1].update({ virtual_sdcard: { progress: 0.4 } });
      bambu[1].publish(delta({ mc_percent: 40 }));

      red = await start('restart');
      await until(() => of('print.done').length === 3, 20_000, () => `3 print.done after the restart (${kinds(of('print.done'))})`);
      for (const done of of('print.done')) {
        const started = startedA.find((s) => s.printer.id === done.printer.id);
        assert.ok(started, `print.done of ${done.printer.kind} is for job A`);
        assert.equal(done.job?.id, started.job?.id, `${done.printer.kind}: the same job`);
        assert.equal(done.id, eventId(done.printer.id, started.job?.id, 'print.done'), `${done.printer.kind}: the id it would have had live`);
      }
      assert.ok(rx.received.slice(receivedBeforeKill).every((r) => r.at >= killedAt), 'reported after the restart');

      // B carries on: progress after the restart, then its own end, with no second start.
      octo[1].progress(45);
      moon[1].update({ virtual_sdcard: { progress: 0.45 } });
      bambu[1].publish(delta({ mc_percent: 45 }));
      await until(() => of('print.progress').filter((e) => e.job?.progress === 45).length === 3, 20_000, () => `progress 45 on three B printers (${kinds(of('print.progress'))})`);
      // A full redeploy restarts every node: the state goes through close and load, B still has no second start.
      const onlineBefore = of('printer.online').length;
      await deploy(red, nodes);
      await until(() => of('printer.online').length >= onlineBefore + 6, 20_000, () => 'six printers online after the redeploy');
      octo[1].progress(50);
      moon[1].update({ virtual_sdcard: { progress: 0.5 } });
      bambu[1].publish(delta({ mc_percent: 50 }));
      await until(() => of('print.progress').filter((e) => e.job?.progress === 50).length === 3, 20_000, () => `progress 50 after the redeploy (${kinds(of('print.progress'))})`);
      octo[1].finishJob();
      moon[1].update({ print_stats: { state: 'complete' }, virtual_sdcard: { progress: 1, is_active: false } });
      bambu[1].publish(delta({ gcode_state: 'FINISH', mc_percent: 100 }));
      await until(() => of('print.done').length === 6, 20_000, () => `6 print.done (${kinds(of('print.done'))})`);
      await new Promise((r) => setTimeout(r, 300));

      const byPrinter = new Map<string, string[]>();
      for (const e of events()) if (e.type.startsWith('print.') && e.type !== 'print.progress') byPrinter.set(e.printer.id, [...(byPrinter.get(e.printer.id) ?? []), e.type]);
      assert.equal(byPrinter.size, 6);
      for (const [id, types] of byPrinter) assert.deepEqual(types, ['print.started', 'print.done'], `${id}: one start and one end, whatever the restart`);
      const ids = events().filter((e) => e.type.startsWith('print.')).map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length, 'no print event was sent twice');

      // Deleting a printer's config node deletes its state file; the others keep theirs.
      const files = () => fs.readdirSync(stateDir).filter((f) => f.endsWith('.json')).sort();
      assert.deepEqual(files(), ['bcfg0.json', 'bcfg1.json', 'msrv0.json', 'msrv1.json', 'osrv0.json', 'osrv1.json']);
      await deploy(red, nodes.filter((n) => !['osrv1', 'osrc1', 'msrv1', 'msrc1'].includes((n as { id: string }).id)));
      assert.deepEqual(files(), ['bcfg0.json', 'bcfg1.json', 'msrv0.json', 'osrv0.json']);
    });
  });
}
