// Conformance over the shared Bambu Lab captures and decoding vectors, read at run time from
// ../shared/fixtures/bambu; nothing from there is copied into the repo.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { PrinterEvent } from '../../src/event';
import { decodeHms, decodePrintError, hmsCode, hmsModule, hmsSeverity, hmsText, printErrorCode, wikiUrl } from '../../src/sources/bambu/codes';
import { BambuConnection } from '../../src/sources/bambu/connection';
import { jobDetails, jobKeyOf, jobStateOf } from '../../src/sources/bambu/job-state';
import { mergeReport, type BambuState } from '../../src/sources/bambu/merge';
import { modelFromVersion } from '../../src/sources/bambu/model';
import { BambuMonitor } from '../../src/sources/bambu/monitor';
import { FakePrinter } from '../fakes/bambu/fake-printer';
import { delta } from '../fakes/bambu/reports';
import { rig, sleep, waitFor } from '../core/sources/bambu/harness';

const repoRoot = path.resolve(__dirname, '..', '..');
const dir = path.join(process.env.PRINTHOOKS_SHARED_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures'), 'bambu');

interface Capture {
  print: BambuState;
  info: Record<string, unknown>;
  partials: Array<[string, BambuState]>;
}

/** Both layouts: {pushall: {print}, get_version: {info}} and the inner-object {push_all, get_version} (optionally under data). */
function capture(name: string): Capture {
  let raw = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;
  if (raw.data && typeof raw.data === 'object') raw = raw.data as Record<string, unknown>;
  const pushall = raw.pushall as { print: BambuState } | undefined;
  const version = raw.get_version as Record<string, unknown>;
  const print = pushall ? pushall.print : (raw.push_all as BambuState);
  const info = (version.info as Record<string, unknown>) ?? version;
  const partials = Object.entries(raw).filter(([k]) => k.startsWith('push_') && k !== 'push_all') as Array<[string, BambuState]>;
  return { print, info, partials };
}

const CAPTURES = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'error-vectors.json').sort() : [];

/** Expected canonical state of each capture's report, from the fixture table. */
const EXPECTED: Record<string, { model?: string; state: string; baselineState: string }> = {
  'P1P.json': { model: 'P1P', state: 'failed', baselineState: 'failed' },
  'MOCK-P1PNOAMS.json': { model: 'P1P', state: 'finished', baselineState: 'finished' },
  'MOCK-A1.json': { model: 'A1', state: 'idle', baselineState: 'idle' },
  'MOCK-A2L.json': { model: 'A2L', state: 'idle', baselineState: 'idle' },
  'MOCK-X1CMULTIAMS.json': { model: 'X1-Carbon', state: 'finished', baselineState: 'finished' },
  '2AMS1-1AMS2-1AMSHT.json': { model: 'X1-Carbon', state: 'finished', baselineState: 'finished' },
  'MOCK-H2C.json': { model: 'H2C', state: 'failed', baselineState: 'cancelled' },
  'H2D.json': { model: 'H2D', state: 'printing', baselineState: 'printing' },
  'MOCK-H2D.json': { model: 'H2D', state: 'printing', baselineState: 'printing' },
  'MOCK-H2DEXTSPOOLACTIVE.json': { model: 'H2D', state: 'printing', baselineState: 'printing' },
  'MOCK-H2DPRO.json': { model: 'H2D Pro', state: 'idle', baselineState: 'idle' },
  'MOCK-H2S.json': { model: 'H2S', state: 'printing', baselineState: 'printing' },
  'MOCK-P2S.json': { model: 'P2S', state: 'printing', baselineState: 'printing' },
  'MOCK-X2D.json': { model: 'X2D', state: 'printing', baselineState: 'printing' },
  'MOCK-MISC.json': { model: undefined, state: 'printing', baselineState: 'printing' },
  'test_ams_ams2_amsht.json': { model: 'H2D', state: 'idle', baselineState: 'idle' },
};

function monitorFor(state: BambuState) {
  const connection = new BambuConnection({ host: '127.0.0.1', serial: 'S', accessCode: 'x', tls: { mode: 'insecure' } });
  const events: PrinterEvent[] = [];
  const monitor = new BambuMonitor({ printer: { id: 'p', name: 'p', kind: 'bambu' }, connection, emit: (e) => events.push(e), offlineDelayMs: 10_000 });
  monitor.baseline(state);
  return { monitor, events };
}

describe('bambu conformance: captured reports', () => {
  it('finds the captures', () => {
    assert.ok(CAPTURES.length >= 16, `captures in ${dir}`);
  });

  for (const name of CAPTURES) {
    it(`${name}: model, state, and a baseline that emits no job or error event`, () => {
      const { print, info } = capture(name);
      const expected = EXPECTED[name];
      assert.ok(expected, `no expectation for ${name}`);
      assert.equal(modelFromVersion(info).model, expected.model);
      assert.equal(jobStateOf(print.gcode_state), expected.state);
      const state = mergeReport({}, structuredClone(print));
      const { monitor, events } = monitorFor(state);
      assert.deepEqual(events.map((e) => e.type).filter((t) => t !== 'printer.online' && t !== 'printer.bed_cooled'), []);
      assert.equal(monitor.jobState, expected.baselineState);
      monitor.dispose();
    });
  }

  it('both layouts of the X1C capture give the same canonical state', () => {
    const a = capture('MOCK-X1CMULTIAMS.json').print;
    const b = capture('2AMS1-1AMS2-1AMSHT.json').print;
    assert.deepEqual([jobStateOf(a.gcode_state), jobKeyOf(a), jobDetails(a)], [jobStateOf(b.gcode_state), jobKeyOf(b), jobDetails(b)]);
  });

  it('job keys: cloud ids, LAN task_id "0", and an H2D LAN job with task_id but no subtask_id', () => {
    assert.match(jobKeyOf(capture('MOCK-X2D.json').print) ?? '', /^task:904240393:904240393$/);
    assert.equal(jobKeyOf(capture('P1P.json').print), 'lan:Fidget Collection||');
    assert.equal(jobKeyOf(capture('MOCK-H2D.json').print), 'task:9012:');
  });

  it('job details: progress, layers and remaining minutes of a running H2D', () => {
    const details = jobDetails(capture('MOCK-H2D.json').print);
    assert.equal(details.progress, 6);
    assert.equal(details.layer, 1);
    assert.equal(details.layers, 200);
    assert.equal(details.remaining_s, 549 * 60);
    assert.equal(details.file, 'T-pose - slim H2D dual AMS riser');
  });

  it('H2D partial reports deep-merge into the full report without losing anything', () => {
    const { print, partials } = capture('H2D.json');
    const state = mergeReport({}, structuredClone(print));
    const keys = Object.keys(state).length;
    for (const [, partial] of partials) mergeReport(state, structuredClone(partial));
    assert.equal(Object.keys(state).length, keys);
    assert.equal(state.gcode_state, 'RUNNING');
    const device = state.device as Record<string, Record<string, unknown>>;
    assert.equal(device.extruder.state, 274);
    assert.equal((device.nozzle.info as unknown[]).length, 2);
    for (const key of Object.keys(print.device as object)) assert.ok(key in device, `device.${key} kept`);
    for (const key of Object.keys((print.device as Record<string, object>).extruder)) assert.ok(key in device.extruder, `device.extruder.${key} kept`);
    assert.equal(state.stat, '46A58008');
    assert.equal(state.home_flag, -1058546177);
  });

  it('live HMS entries: MOCK-MISC raises its first-layer warning when it appears mid-print; MOCK-X2D (no text) does not', () => {
    for (const [name, expectErrors] of [['MOCK-MISC.json', ['HMS_0C00_0300_0003_0007']], ['MOCK-X2D.json', []]] as const) {
      const print = capture(name).print;
      const state = mergeReport({}, { ...structuredClone(print), hms: [] });
      const { monitor, events } = monitorFor(state);
      const hms = { hms: structuredClone(print.hms) };
      mergeReport(state, hms);
      monitor.report(hms, state);
      assert.deepEqual(events.filter((e) => e.type === 'printer.error').map((e) => e.error?.code), expectErrors, name);
      monitor.dispose();
    }
  });
});

describe('bambu conformance: captures replayed through the fake printer over TLS', function () {
  this.timeout(15000);

  for (const name of ['MOCK-P1PNOAMS.json', 'MOCK-X1CMULTIAMS.json', 'MOCK-H2C.json', 'P1P.json']) {
    it(`${name}: an idle printer reporting its last job's end emits only printer.online, also after a reconnect`, async () => {
      const { print, info } = capture(name);
      const printer = await new FakePrinter({ state: structuredClone(print), productName: String((info.module as Array<Record<string, unknown>>).find((m) => m.name === 'ota')?.product_name ?? '') }).start();
      const r = rig(printer, { offlineDelayMs: 5000, pushallMinIntervalMs: 1 });
      try {
        await waitFor(() => r.connection.phase.phase === 'ready', 'ready');
        printer.dropClients();
        await waitFor(() => printer.pushalls >= 2 && r.connection.phase.phase === 'ready', 'reconnected');
        await sleep(50);
        assert.deepEqual(r.types().filter((t) => t !== 'printer.bed_cooled'), ['printer.online']);
      } finally {
        await r.stop();
        await printer.stop();
      }
    });
  }

  it('MOCK-H2S mid-print: no start on connect; the scripted end gives one print.done', async () => {
    const { print } = capture('MOCK-H2S.json');
    const printer = await new FakePrinter({ state: structuredClone(print), productName: 'Bambu Lab H2S' }).start();
    const r = rig(printer, { offlineDelayMs: 5000 });
    try {
      await waitFor(() => r.connection.phase.phase === 'ready', 'ready');
      printer.publish(delta({ mc_percent: 43, layer_num: 25 }));
      printer.publish(delta({ gcode_state: 'FINISH', mc_percent: 100, layer_num: 75 }));
      printer.publish(delta({ gcode_state: 'FINISH' }));
      await waitFor(() => r.types().includes('print.done'), 'done');
      await sleep(50);
      assert.deepEqual(r.types().filter((t) => t !== 'printer.bed_cooled'), ['printer.online', 'print.progress', 'print.layer', 'print.done']);
      assert.equal(r.events.find((e) => e.type === 'print.done')?.job?.layers, 75);
    } finally {
      await r.stop();
      await printer.stop();
    }
  });
});

interface HmsVector {
  name: string;
  model?: string;
  language?: string;
  input: Array<{ attr: number; code: number }>;
  expected: Array<{ code: string; severity: string; message: string; wiki: string }>;
}

const vectors = () => JSON.parse(fs.readFileSync(path.join(dir, 'error-vectors.json'), 'utf8')) as {
  hms: HmsVector[];
  print_error: Array<{ name: string; model?: string; language?: string; input: number; expected: { code: string; message: string } | null }>;
  lookup: Array<{ kind: string; code: string; language: string; expected: string }>;
  from_captures: Array<{ file: string; input: unknown; expected: { code: string; severity?: string; module?: string; message: string } }>;
  format_edge_cases: Array<{ name: string; input: number; expected: { code: string; message: string } }>;
};

/** Wiki links the message database redirects to another model family's page; our rule links the reported code's own family. */
const WIKI_REDIRECTS = new Set(['multiple:HMS_07FF_7000_0002_0003']);
const english = (language: string | undefined) => language === undefined || language === 'en' || language === 'zz';

describe('bambu conformance: error-vectors.json', () => {
  it('HMS: codes, severities and wiki links for every vector; English texts; text-less codes dropped', () => {
    for (const vector of vectors().hms) {
      const decoded = vector.input.map((entry) => decodeHms(entry, vector.model)).filter((d) => d !== undefined);
      assert.equal(decoded.length, vector.expected.length, vector.name);
      vector.expected.forEach((expected, i) => {
        const got = decoded[i]!;
        assert.equal(got.code, expected.code, vector.name);
        assert.equal(got.bambuSeverity, expected.severity, vector.name);
        if (!WIKI_REDIRECTS.has(`${vector.name}:${expected.code}`)) assert.equal(got.url, expected.wiki, vector.name);
        if (english(vector.language)) assert.equal(got.message, expected.message, vector.name);
      });
    }
  });

  it('print_error: codes for every vector, English texts', () => {
    for (const vector of vectors().print_error) {
      const decoded = decodePrintError(vector.input, vector.model);
      if (vector.expected === null) {
        assert.equal(decoded, undefined, vector.name);
        continue;
      }
      assert.equal(decoded?.code, vector.expected.code, vector.name);
      assert.match(decoded?.url ?? '', new RegExp(`${vector.expected.code}$`));
      if (english(vector.language)) assert.equal(decoded?.message, vector.expected.message, vector.name);
    }
  });

  it('lookup: English fallbacks and unknown codes', () => {
    for (const entry of vectors().lookup) {
      const code = entry.code.replace(/_/g, '');
      const formatted = code.length === 16 ? `HMS_${code.match(/.{4}/g)!.join('_')}` : `${code.slice(0, 4)}_${code.slice(4)}`;
      if (entry.expected === 'unknown') {
        assert.equal(hmsText(formatted), undefined);
        assert.match(decodeHms({ attr: 0x12341234, code: 0x12341234 })?.message ?? '', /wiki/);
      } else if (entry.language === 'he') {
        assert.equal(hmsText(formatted), entry.expected);
      }
    }
  });

  it('from_captures and format edge cases', () => {
    const v = vectors();
    for (const entry of v.from_captures) {
      const expected = entry.expected;
      if (typeof entry.input === 'object' && entry.input !== null) {
        const input = entry.input as { attr: number; code: number };
        assert.equal(hmsCode(input), expected.code);
        assert.equal(hmsSeverity(input.code), expected.severity);
        assert.equal(hmsModule(input.attr), expected.module);
        const decoded = decodeHms(input);
        if (expected.message === '') assert.equal(decoded, undefined, 'text-less codes are not reported');
        else assert.equal(decoded?.message, expected.message);
      } else {
        const decoded = decodePrintError(entry.input);
        assert.equal(decoded?.code, expected.code);
        assert.equal(decoded?.message, expected.message);
      }
    }
    for (const entry of v.format_edge_cases) {
      assert.equal(printErrorCode(entry.input), entry.expected.code, entry.name);
      assert.equal(decodePrintError(entry.input)?.message, entry.expected.message, entry.name);
    }
  });

  it('wiki rule: the redirected link differs only in family/code as documented', () => {
    assert.equal(wikiUrl('HMS_07FF_7000_0002_0003', 'A1'), 'https://wiki.bambulab.com/en/x1/troubleshooting/hmscode/07FF_7000_0002_0003');
  });
});
