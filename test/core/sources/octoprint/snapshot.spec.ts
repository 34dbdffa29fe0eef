import assert from 'node:assert/strict';
import { createSnapshotProvider, snapshotSource } from '../../../../src/sources/octoprint/snapshot';
import { OctoPrintRest } from '../../../../src/sources/octoprint/rest';
import { parseBaseUrl } from '../../../../src/sources/octoprint/url';
import { fakeJpeg, FakeOctoPrint } from '../../../fakes/octoprint/fake-octoprint';

describe('octoprint snapshot', () => {
  let fake: FakeOctoPrint;
  let rest: OctoPrintRest;
  beforeEach(async () => {
    fake = await new FakeOctoPrint({ prefix: '/op' }).start();
    rest = new OctoPrintRest({ base: parseBaseUrl(fake.url), apiKey: fake.apiKey });
  });
  afterEach(async () => {
    rest.dispose();
    await fake.stop();
  });

  it('fetches /downloads/camera/current with the API key by default', async () => {
    fake.camera = fakeJpeg(1000);
    const bytes = await createSnapshotProvider(rest, parseBaseUrl(fake.url))();
    assert.deepEqual(bytes, fake.camera);
    assert.ok(fake.requests.includes('GET /op/downloads/camera/current'));
  });

  it('uses a configured snapshot URL with a loopback host rewritten to the OctoPrint host', async () => {
    fake.webcam = fakeJpeg(200);
    const base = parseBaseUrl(`http://localhost:${fake.port}/op`);
    assert.equal(snapshotSource(base, `http://127.0.0.1:${fake.port}/webcam/?action=snapshot`), `http://localhost:${fake.port}/webcam/?action=snapshot`);
    const bytes = await createSnapshotProvider(rest, parseBaseUrl(fake.url), { snapshotUrl: `http://127.0.0.1:${fake.port}/webcam/?action=snapshot` })();
    assert.deepEqual(bytes, fake.webcam);
  });

  it('rejects an image over the cap, a non-JPEG body and a missing camera, with messages', async () => {
    fake.camera = fakeJpeg(5000);
    await assert.rejects(createSnapshotProvider(rest, parseBaseUrl(fake.url), { maxBytes: 1000 })(), /larger than 1000 bytes/);
    fake.camera = Buffer.from('<html>login</html>');
    await assert.rejects(createSnapshotProvider(rest, parseBaseUrl(fake.url))(), /not a JPEG/);
    fake.camera = undefined;
    await assert.rejects(createSnapshotProvider(rest, parseBaseUrl(fake.url))(), /HTTP 404/);
  });
});
