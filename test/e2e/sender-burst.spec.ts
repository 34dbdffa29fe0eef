import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { NodeRedProcess, ensureBuilt } from './support/node-red-process';
import { burstFlow } from './support/sender-flows';

function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : undefined;
  } catch {
    return undefined;
  }
}

describe('e2e: a burst of 20,000 msgs through the sender (Node-RED 4.1 child process)', function () {
  this.timeout(180000);
  const COUNT = 20000;
  let userDir: string;
  let rx: FakeReceiver;
  let red: NodeRedProcess | undefined;

  before(() => ensureBuilt());
  beforeEach(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-e2e-burst-'));
    rx = await new FakeReceiver().start();
  });
  afterEach(async () => {
    await red?.stop();
    await rx.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('every one of 20,000 msgs injected at once arrives, none lost', async () => {
    let accepted = 0;
    rx.answer((req) => {
      if (req.path === '/accepted') accepted = Date.now();
      return { status: req.path === '/accepted' ? 200 : 204 };
    });
    red = new NodeRedProcess({ userDir, flows: burstFlow(rx.url, COUNT), label: 'burst' });
    const started = Date.now();
    await red.start();
    const ids = new Set<string>();
    let scanned = 0;
    const deadline = Date.now() + 150000;
    while (ids.size < COUNT && Date.now() < deadline) {
      for (; scanned < rx.received.length; scanned++) {
        const r = rx.received[scanned];
        if (r.path === '/hook') ids.add(JSON.parse(r.body.toString()).id);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const rss = peakRssMb(red.pid);
    assert.equal(ids.size, COUNT, `${ids.size} of ${COUNT} arrived`);
    assert.ok(accepted > 0, 'every msg was acknowledged (complete node count reached 20,000)');
    assert.doesNotMatch(red.output, /EMFILE|uncaught|TypeError/i);
    console.log(`      20,000 delivered in ${((Date.now() - started) / 1000).toFixed(1)} s (incl. Node-RED start); peak RSS ${rss ?? '?'} MB`);
  });
});
