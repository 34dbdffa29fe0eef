import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { cameraAuthPacket, fetchBambuSnapshot } from '../../../../src/sources/bambu/camera';
import { FAKE_JPEG, FakePrinter } from '../../../fakes/bambu/fake-printer';

describe('bambu camera snapshot (TLS port 6000)', () => {
  let printer: FakePrinter;
  before(async () => {
    printer = await new FakePrinter().start();
  });
  after(() => printer.stop());

  const base = () => ({ host: '127.0.0.1', port: printer.cameraPort, serial: printer.serial, accessCode: printer.accessCode });

  it('builds the 80-byte login packet', () => {
    const packet = cameraAuthPacket('abcd1234');
    assert.equal(packet.length, 80);
    assert.equal(packet.readUInt32LE(0), 0x40);
    assert.equal(packet.readUInt32LE(4), 0x3000);
    assert.equal(packet.subarray(16, 48).toString('ascii').replace(/\0+$/, ''), 'bblp');
    assert.equal(packet.subarray(48, 80).toString('ascii').replace(/\0+$/, ''), 'abcd1234');
  });

  it('returns one JPEG frame reassembled from chunks', async () => {
    const frame = await fetchBambuSnapshot({ ...base(), model: 'P1S', tls: { mode: 'ca', ca: printer.pki.ca } });
    assert.ok(frame.equals(FAKE_JPEG));
  });

  it('checks the pinned fingerprint before sending the access code', async () => {
    const logins = printer.cameraLogins.length;
    await assert.rejects(
      fetchBambuSnapshot({ ...base(), model: 'A1', tls: { mode: 'pin', expected: () => new X509Certificate(printer.pki.otherCert).fingerprint256 } }),
      /certificate changed/,
    );
    assert.equal(printer.cameraLogins.length, logins);
    const frame = await fetchBambuSnapshot({ ...base(), model: 'A1', tls: { mode: 'pin', expected: () => new X509Certificate(printer.pki.cert).fingerprint256 } });
    assert.ok(frame.equals(FAKE_JPEG));
  });

  it('says the access code was rejected when the camera closes without a frame', async () => {
    await assert.rejects(fetchBambuSnapshot({ ...base(), accessCode: 'nope', tls: { mode: 'insecure' } }), /access code rejected/);
  });

  it('explains that RTSPS-only models give no snapshot', async () => {
    for (const model of ['X1-Carbon', 'H2D', 'P2S', 'X2D']) {
      await assert.rejects(fetchBambuSnapshot({ ...base(), model, tls: { mode: 'insecure' } }), /only streams RTSPS/);
    }
  });

  it('fails in time when nothing answers', async () => {
    await assert.rejects(fetchBambuSnapshot({ ...base(), port: 1, tls: { mode: 'insecure' }, timeoutMs: 500 }), /camera:/);
  });
});
