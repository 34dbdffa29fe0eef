import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { EndpointHealth } from '../../../src/delivery/endpoint-health';
import { healthToRestore, loadHealth, saveHealth, type StoredHealth } from '../../../src/delivery/endpoint-health-store';
import { tempDir } from './tmp-dir';

const save = (file: string, stored: StoredHealth) => new Promise<void>((resolve, reject) => saveHealth(file, stored, (err) => (err ? reject(err) : resolve())));

describe('delivery/endpoint health kept across a restart', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('writes the failing clock and the disabled state, reads them back, and removes the file when healthy', async () => {
    const file = path.join(t.dir, 'health', 'ep.json');
    await save(file, { version: 1, fingerprint: 'f1', failingSince: 1000, disabledSince: 5000, reason: 'only failures for 5 days (last: HTTP 500)' });
    assert.deepEqual(loadHealth(file), { version: 1, fingerprint: 'f1', failingSince: 1000, disabledSince: 5000, reason: 'only failures for 5 days (last: HTTP 500)' });
    await save(file, { version: 1, fingerprint: 'f1' });
    assert.equal(fs.existsSync(file), false);
    assert.equal(loadHealth(file), undefined);
  });

  it('a damaged or foreign file is ignored, never thrown', () => {
    const file = path.join(t.dir, 'ep.json');
    for (const text of ['{"version":1,', '[]', '{"version":2,"fingerprint":"x"}', '{"version":1,"fingerprint":"x","failingSince":"soon"}']) {
      fs.writeFileSync(file, text);
      const got = loadHealth(file);
      assert.ok(got === undefined || got.failingSince === undefined, text);
    }
  });

  it('restored after a restart of the same endpoint; not after a redeploy or a changed endpoint', () => {
    const stored: StoredHealth = { version: 1, fingerprint: 'f1', failingSince: 10, disabledSince: 20, reason: 'r' };
    assert.deepEqual(healthToRestore(stored, 'f1', false), { failingSince: 10, disabledSince: 20, reason: 'r' });
    assert.equal(healthToRestore(stored, 'f1', true), undefined);
    assert.equal(healthToRestore(stored, 'f2', false), undefined);
  });

  it('a restored endpoint is still disabled, and one failing since before the restart is disabled by its next failure past the window', () => {
    const disabled = new EndpointHealth();
    disabled.restore({ disabledSince: 20, reason: '410 Gone from http://127.0.0.1/x' });
    assert.equal(disabled.state, 'disabled');
    assert.deepEqual(disabled.gate(30), { send: false });
    let now = 1000;
    const failing = new EndpointHealth({ disableAfterMs: 500, now: () => now });
    failing.restore({ failingSince: 100 });
    assert.equal(failing.disabled, false);
    now = 1200;
    failing.failure('HTTP 503');
    assert.equal(failing.disabled, true);
    assert.deepEqual(failing.snapshot(), { failingSince: 100, disabledSince: 1200, reason: 'only failures for 1 min (last: HTTP 503)' });
  });
});
