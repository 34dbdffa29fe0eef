// Farm scale of one Node-RED (issue 20 point 5, docs/scale.md): how many simulated printers of a platform
// one Node-RED 4.1 process holds, connected with every lifecycle event exact, at what CPU and memory. The
// printers are the test fakes (test/fakes/) speaking the real protocols over real sockets on 127.0.0.1, in
// this process; Node-RED runs as a child process whose CPU time and RSS are read from /proc.
// Steps 10 → 100 → 1,000 per platform (BENCH_FARM_STEPS, BENCH_FARM_PLATFORMS); a step that does not
// finish within BENCH_FARM_STEP_S seconds (default 120) is where that platform stopped keeping up.
// Each step: deploy N printers and N source nodes → all printer.online; start a job on every printer →
// N print.started; finish every job → N print.done; "exact" = those counts and nothing else lifecycle.
// The baseline of the same run is the 10-printer step: ratios say how CPU and RSS grow with the farm.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakePrinter as FakeBambu } from '../test/fakes/bambu/fake-printer';
import { delta as bambuDelta } from '../test/fakes/bambu/reports';
import { FakeCreality } from '../test/fakes/creality/fake-creality';
import { FakeSdcp } from '../test/fakes/elegoo/fake-sdcp';
import { FakeMoonraker } from '../test/fakes/moonraker/fake-moonraker';
import { FakeOctoPrint } from '../test/fakes/octoprint/fake-octoprint';
import { FakePrusaLink } from '../test/fakes/prusalink/fake-prusalink';
import { NodeRedProcess, ensureBuilt } from '../test/e2e/support/node-red-process';

interface Platform<F> {
  name: string;
  make(): Promise<F>;
  config(id: string, fake: F): Record<string, unknown>;
  credentials?(fake: F): Record<string, unknown>;
  source: string;
  field: string;
  start(fake: F): void;
  finish(fake: F): void;
  close(fake: F): Promise<void>;
}

const moonraker: Platform<FakeMoonraker> = {
  name: 'moonraker',
  async make() {
    const f = new FakeMoonraker();
    await f.listen();
    return f;
  },
  config: (id, f) => ({ id, type: 'printhooks-moonraker-server', name: `printer ${id}`, url: f.url, offlineDelay: 30, bedCooled: 0 }),
  source: 'printhooks-moonraker',
  field: 'server',
  start: (f) => f.update({ print_stats: { filename: 'benchy.gcode', state: 'printing' }, virtual_sdcard: { progress: 0.01, is_active: true } }),
  finish: (f) => f.update({ print_stats: { state: 'complete' }, virtual_sdcard: { progress: 1, is_active: false } }),
  close: (f) => f.close(),
};

const octoprint: Platform<FakeOctoPrint> = {
  name: 'octoprint',
  make: () => new FakeOctoPrint().start(),
  config: (id, f) => ({ id, type: 'printhooks-octoprint-server', name: `printer ${id}`, url: f.url, offlineDelay: 30, bedCooled: 0 }),
  credentials: (f) => ({ apiKey: f.apiKey }),
  source: 'printhooks-octoprint',
  field: 'server',
  start: (f) => f.startJob('benchy.gcode'),
  finish: (f) => f.finishJob(),
  close: (f) => f.stop(),
};

const creality: Platform<FakeCreality> = {
  name: 'creality',
  async make() {
    const f = new FakeCreality();
    await f.listen();
    return f;
  },
  config: (id, f) => ({ id, type: 'printhooks-creality-printer', name: `printer ${id}`, host: '127.0.0.1', port: f.port, bedCooled: 0 }),
  source: 'printhooks-creality',
  field: 'printer',
  start: (f) => f.startPrint('benchy.gcode'),
  finish: (f) => f.finish(),
  close: (f) => f.close(),
};

const prusalink: Platform<FakePrusaLink> = {
  name: 'prusalink',
  make: () => new FakePrusaLink().start(),
  config: (id, f) => ({ id, type: 'printhooks-prusalink-printer', name: `printer ${id}`, url: f.url, pollInterval: 2, offlineDelay: 30, bedCooled: 0 }),
  credentials: (f) => ({ username: f.username, password: f.password }),
  source: 'printhooks-prusalink',
  field: 'printer',
  start: (f) => void f.startJob(),
  finish: (f) => f.finish(),
  close: (f) => f.stop(),
};

// Each fake Bambu printer is its own MQTT broker (aedes) behind TLS on its own port; they share one serial so
// the test PKI (openssl, cached per serial) is made once. The sources pin the certificate on first connect.
let bambuJobs = 0;
const bambu: Platform<FakeBambu> = {
  name: 'bambu',
  make: () => new FakeBambu({ productName: 'Bambu Lab P1S' }).start(),
  config: (id, f) => ({ id, type: 'printhooks-bambu-printer', name: `printer ${id}`, host: '127.0.0.1', port: f.port, serial: f.serial, tls: 'pin', cameraPort: f.cameraPort, snapshotOn: 'off', bedCooled: 0 }),
  credentials: (f) => ({ accessCode: f.accessCode }),
  source: 'printhooks-bambu',
  field: 'printer',
  start: (f) => f.publish(bambuDelta({ gcode_state: 'RUNNING', subtask_name: 'benchy', gcode_start_time: String(1763900100 + ++bambuJobs), mc_percent: 10 })),
  finish: (f) => f.publish(bambuDelta({ gcode_state: 'FINISH', mc_percent: 100 })),
  close: (f) => f.stop(),
};

// Elegoo Centauri Carbon (SDCP over a websocket on its own port), one per fake.
let elegooJobs = 0;
const elegoo: Platform<FakeSdcp> = {
  name: 'elegoo',
  async make() {
    const f = new FakeSdcp();
    await f.listen();
    return f;
  },
  config: (id, f) => ({ id, type: 'printhooks-elegoo-printer', name: `printer ${id}`, host: '127.0.0.1', port: f.port, model: 'cc', bedCooled: 0 }),
  source: 'printhooks-elegoo',
  field: 'printer',
  start: (f) => f.print({ Status: 13, TaskId: `task-${++elegooJobs}`, Filename: 'benchy.gcode', TotalLayer: 100, TotalTicks: 3600, Progress: 10 }),
  finish: (f) => f.print({ Status: 9, Progress: 100, CurrentLayer: 100, CurrentTicks: 3600 }),
  close: (f) => f.close(),
};

const ALL: Platform<never>[] = [moonraker, octoprint, creality, prusalink, bambu, elegoo] as unknown as Platform<never>[];
const STEPS = (process.env.BENCH_FARM_STEPS ?? '10,100,1000').split(',').map(Number);
const WANTED = (process.env.BENCH_FARM_PLATFORMS ?? ALL.map((p) => p.name).join(',')).split(',');
const STEP_MS = Number(process.env.BENCH_FARM_STEP_S ?? 120) * 1000;

function counterFlow(): object[] {
  return [
    {
      id: 'count', type: 'function', z: 'tab1', outputs: 1, libs: [],
      func: 'const c = flow.get("c") || {}; const t = msg.payload && msg.payload.type; c[t] = (c[t] || 0) + 1; flow.set("c", c); return null;',
      wires: [],
    },
    { id: 'statsIn', type: 'http in', z: 'tab1', url: '/farm', method: 'get', upload: false, wires: [['stats']] },
    { id: 'stats', type: 'function', z: 'tab1', outputs: 1, libs: [], func: 'msg.payload = flow.get("c") || {}; return msg;', wires: [['statsOut']] },
    { id: 'statsOut', type: 'http response', z: 'tab1', statusCode: '200', headers: {}, wires: [] },
  ];
}

function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

interface StepResult {
  platform: string;
  printers: number;
  connected: number;
  exact: boolean;
  connectS: number;
  eventsS: number;
  cpuPct: number;
  rssMb: number;
  stopped?: string;
}

async function step(platform: Platform<unknown>, n: number): Promise<StepResult> {
  const fakes: unknown[] = [];
  for (let i = 0; i < n; i++) fakes.push(await platform.make());
  const flows: object[] = [{ id: 'tab1', type: 'tab', label: 'farm' }, ...counterFlow()];
  const creds: Record<string, unknown> = {};
  fakes.forEach((f, i) => {
    flows.push(platform.config(`p${i}`, f));
    flows.push({ id: `s${i}`, type: platform.source, z: 'tab1', [platform.field]: `p${i}`, wires: [['count']] });
    if (platform.credentials) creds[`p${i}`] = platform.credentials(f);
  });
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), `printhooks-farm-${platform.name}-`));
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(creds));
  const red = new NodeRedProcess({ userDir, flows, label: `farm ${platform.name} ${n}` });
  const result: StepResult = { platform: platform.name, printers: n, connected: 0, exact: false, connectS: 0, eventsS: 0, cpuPct: 0, rssMb: 0 };
  const counts = async (): Promise<Record<string, number>> => ((await (await fetch(`${red.url}/farm`)).json()) as Record<string, number>);
  const wait = async (what: string, check: (c: Record<string, number>) => boolean, deadline: number): Promise<Record<string, number>> => {
    for (;;) {
      const c = await counts();
      if (check(c)) return c;
      if (Date.now() > deadline) throw new Error(`${what} not reached in time (${JSON.stringify(c)})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const t0 = Date.now();
  const deadline = t0 + STEP_MS;
  try {
    await red.start(STEP_MS);
    const pid = red.pid!;
    const online = await wait('all online', (c) => (c['printer.online'] ?? 0) >= n, deadline);
    result.connected = online['printer.online'] ?? 0;
    result.connectS = (Date.now() - t0) / 1000;
    const cpu0 = cpuSeconds(pid);
    const e0 = Date.now();
    for (const f of fakes) platform.start(f);
    await wait('every print.started', (c) => (c['print.started'] ?? 0) >= n, deadline);
    for (const f of fakes) platform.finish(f);
    const end = await wait('every print.done', (c) => (c['print.done'] ?? 0) >= n, deadline);
    await new Promise((r) => setTimeout(r, 1000));
    const settled = await counts();
    result.eventsS = (Date.now() - e0 - 1000) / 1000;
    result.cpuPct = Math.round(((cpuSeconds(pid) - cpu0) / ((Date.now() - e0) / 1000)) * 100);
    result.rssMb = rssMb(pid);
    result.connected = Math.max(result.connected, end['printer.online'] ?? 0);
    result.exact = settled['print.started'] === n && settled['print.done'] === n && !settled['print.failed'] && !settled['print.cancelled'] && settled['printer.online'] === n;
  } catch (e) {
    result.stopped = (e as Error).message.split('\n')[0].slice(0, 160);
    if (process.env.BENCH_FARM_DEBUG) console.log(red.output.slice(-3000));
    try {
      if (red.pid) result.rssMb = rssMb(red.pid);
      const c = await counts().catch(() => ({}) as Record<string, number>);
      result.connected = c['printer.online'] ?? 0;
    } catch {
      // the process may be gone
    }
  } finally {
    await red.stop(5000);
    for (const f of fakes) await platform.close(f).catch(() => undefined);
    fs.rmSync(userDir, { recursive: true, force: true });
  }
  return result;
}

async function main(): Promise<void> {
  ensureBuilt();
  const rows: StepResult[] = [];
  for (const platform of ALL.filter((p) => WANTED.includes(p.name))) {
    let base: StepResult | undefined;
    for (const n of STEPS) {
      const r = await step(platform as Platform<unknown>, n);
      rows.push(r);
      base ??= r;
      const ratio = base && base !== r && base.rssMb ? ` · RSS ×${(r.rssMb / base.rssMb).toFixed(1)} vs ${base.printers}` : '';
      console.log(
        `${r.platform.padEnd(10)} ${String(n).padStart(5)} printers: connected ${r.connected}/${n} in ${r.connectS.toFixed(1)} s, events ${r.exact ? 'exact' : 'NOT exact'}` +
          `${r.stopped ? ` (stopped: ${r.stopped})` : ` in ${r.eventsS.toFixed(1)} s`}, CPU ${r.cpuPct} % of a core, RSS ${r.rssMb} MB${ratio}`,
      );
      if (r.stopped) break;
    }
  }
  const out = process.env.BENCH_FARM_JSON;
  if (out) fs.writeFileSync(out, JSON.stringify(rows, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
