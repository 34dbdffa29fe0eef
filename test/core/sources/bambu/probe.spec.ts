import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { probeBambu } from '../../../../src/sources/bambu/probe';
import { useProbeTarget } from './probe-target';

describe('bambu Test connection probe', () => {
  const target = useProbeTarget(2000);
  const base = () => target.base();

  it('reports model, firmware, state and the certificate fingerprint', async () => {
    const result = await probeBambu({ ...base(), tls: { mode: 'pin' } });
    assert.equal(result.ok, true, result.message);
    assert.equal(result.message, 'Reachable · auth OK · Bambu Lab P1P firmware 01.08.02.00 · printer FINISH');
    assert.equal(result.fingerprint, new X509Certificate(target.printer.pki.cert).fingerprint256);
  });

  it('names a rejected access code', async () => {
    const result = await probeBambu({ ...base(), accessCode: 'bad', tls: { mode: 'insecure' } });
    assert.deepEqual([result.ok, result.problem, result.message], [false, 'auth', 'access code or serial rejected']);
  });

  it('names a certificate that does not match the pin', async () => {
    const result = await probeBambu({ ...base(), tls: { mode: 'pin', expected: () => new X509Certificate(target.printer.pki.otherCert).fingerprint256 } });
    assert.equal(result.ok, false);
    assert.equal(result.problem, 'tls');
    assert.match(result.message, /^certificate fingerprint mismatch: the printer shows another certificate than the one pinned \(pinned [0-9A-F:]+…, got [0-9A-F:]+…\)$/);
  });

  it('names an unreachable printer and a wrong serial', async () => {
    const down = await probeBambu({ ...base(), port: 1, tls: { mode: 'insecure' } });
    assert.deepEqual([down.ok, down.problem, down.message], [false, 'unreachable', 'connection refused (ECONNREFUSED 127.0.0.1:1)']);
    const serial = await probeBambu({ ...base(), serial: 'WRONG', timeoutMs: 600, tls: { mode: 'insecure' } });
    assert.equal(serial.ok, false);
    assert.match(serial.message, /no report/);
  });

  it('answers instead of throwing when Node refuses the options', async () => {
    const result = await probeBambu({ ...base(), port: 70000, tls: { mode: 'insecure' } });
    assert.equal(result.ok, false);
    assert.match(result.message, /^cannot connect:/);
  });
});
