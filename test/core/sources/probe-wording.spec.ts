import { strict as assert } from 'node:assert';
import net from 'node:net';
import { probeBambu } from '../../../src/sources/bambu/probe';
import { useProbeTarget } from './bambu/probe-target';
import { probeCreality } from '../../../src/sources/creality/probe';
import { Cc2Connection } from '../../../src/sources/elegoo/cc2-connection';
import { SdcpConnection } from '../../../src/sources/elegoo/connection';
import { probeElegoo } from '../../../src/sources/elegoo/probe';
import { probeMoonraker } from '../../../src/sources/moonraker/probe';
import { probePrusaLink } from '../../../src/sources/prusalink/probe';
import { networkWords, reachableWords, tlsWords, unreachableWords } from '../../../src/sources/probe-wording';
import { testPki } from '../../fakes/bambu/certs';
import { closedPort } from '../../fakes/loopback';
import { FakeCreality } from '../../fakes/creality/fake-creality';
import { FakeCc2 } from '../../fakes/elegoo/fake-cc2';
import { FakeSdcp } from '../../fakes/elegoo/fake-sdcp';
import { FakeMoonraker } from '../../fakes/moonraker/fake-moonraker';
import { FakePrusaLink } from '../../fakes/prusalink/fake-prusalink';

// One wording for every printer's Test connection (docs/editor.md "Test connection"); OctoPrint's is in
// octoprint/probe.spec.ts with the server that is not OctoPrint.
const REACHABLE = /^Reachable · (auth OK|no auth needed) · \S.* · printer \S.*$/;
const OPENSSL = /error:[0-9A-F]{8}|SSL routines|ssl3_|tls_process_/i;

describe('Test connection wording, the same for every printer', () => {
  it('composes "Reachable · auth · platform version · printer state", then notes', () => {
    assert.equal(reachableWords({ platform: 'Moonraker', version: 'v0.9.3', state: 'ready', auth: 'ok' }), 'Reachable · auth OK · Moonraker v0.9.3 · printer ready');
    assert.equal(reachableWords({ platform: 'Creality K1C', version: '1.3', firmware: true, auth: 'none', notes: ['x'] }), 'Reachable · no auth needed · Creality K1C firmware 1.3 · printer state unknown · x');
  });

  it('puts TLS failures and network codes in words, never OpenSSL text', () => {
    assert.equal(tlsWords({ code: 'EPROTO', message: 'write EPROTO 4088:error:0A00010B:SSL routines:ssl3_get_record:wrong version number' }), 'TLS handshake failed: this port does not speak TLS (check the port, or use http://)');
    assert.equal(tlsWords({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" }), 'certificate name mismatch: the certificate is for another name');
    assert.equal(tlsWords({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 'untrusted certificate: no trusted authority signed it');
    assert.equal(tlsWords({ code: 'ECONNREFUSED' }), undefined);
    assert.equal(networkWords('connect ECONNREFUSED 127.0.0.1:1'), 'connection refused (ECONNREFUSED 127.0.0.1:1)');
    assert.equal(networkWords('unreachable (EHOSTUNREACH)'), 'host unreachable (EHOSTUNREACH)');
    assert.equal(networkWords('the printer said no'), 'the printer said no');
  });

  it('names an unreachable target once: the error\'s host:port, or where the probe went when the error does not say', () => {
    assert.equal(unreachableWords('connect ECONNREFUSED 127.0.0.1:1', 'ws://127.0.0.1:1/websocket'), 'connection refused (ECONNREFUSED 127.0.0.1:1)');
    assert.equal(unreachableWords('unreachable (ECONNRESET)', '127.0.0.1:3030'), 'connection reset (ECONNRESET) (127.0.0.1:3030)');
  });

  it('Elegoo and Creality: a refused connection reads like the other sources, naming the target once', async () => {
    const port = await closedPort();
    const sdcp = await probeElegoo(new SdcpConnection({ host: '127.0.0.1', port, model: 'cc', backoff: { baseMs: 3_600_000 } }), `ws://127.0.0.1:${port}/websocket`, 3000);
    assert.deepEqual([sdcp.ok, sdcp.problem, sdcp.message], [false, 'unreachable', `connection refused (ECONNREFUSED 127.0.0.1:${port})`]);
    const cc2 = await probeElegoo(new Cc2Connection({ host: '127.0.0.1', port, serial: 'SN1', accessCode: 'x', backoff: { baseMs: 3_600_000 } }), `127.0.0.1:${port}`, 3000);
    assert.deepEqual([cc2.ok, cc2.problem, cc2.message], [false, 'unreachable', `connection refused (ECONNREFUSED 127.0.0.1:${port})`]);
    const creality = await probeCreality('127.0.0.1', port, 3000);
    assert.equal(creality.problem, 'unreachable');
    assert.match(creality.message, new RegExp(`^connection refused \\(ECONNREFUSED 127\\.0\\.0\\.1:${port}\\); K2-series`));
  });

  it('Moonraker: with and without an API key, and unreachable', async () => {
    const open = new FakeMoonraker();
    const keyed = new FakeMoonraker({ apiKey: 'k' });
    await open.listen();
    await keyed.listen();
    try {
      assert.equal((await probeMoonraker(open.url, undefined, 2000)).message, `Reachable · no auth needed · Moonraker ${open.version} · printer ready`);
      assert.equal((await probeMoonraker(keyed.url, 'k', 2000)).message, `Reachable · auth OK · Moonraker ${keyed.version} · printer ready`);
      open.klippyState = 'shutdown';
      open.stateMessage = 'Lost communication with MCU';
      const halted = await probeMoonraker(open.url, undefined, 2000);
      assert.equal(halted.message, `Klippy is shutdown: Lost communication with MCU (Reachable · no auth needed · Moonraker ${open.version} · printer shutdown)`);
    } finally {
      await open.close();
      await keyed.close();
    }
    const down = await probeMoonraker('http://127.0.0.1:1', undefined, 2000);
    assert.equal(down.problem, 'unreachable');
    assert.match(down.message, /^connection refused \(ECONNREFUSED/);
  });

  it('PrusaLink: the flavour, version, state and who logged in', async () => {
    const fake = await new FakePrusaLink({ flavour: 'pi' }).start();
    try {
      const ok = await probePrusaLink({ url: fake.url, auth: { username: fake.username, password: fake.password }, timeoutMs: 2000 });
      assert.equal(ok.message, 'Reachable · auth OK · PrusaLink (Raspberry Pi) 0.8.1 · printer IDLE · named Garage MK3S · Digest login');
    } finally {
      await fake.stop();
    }
  });

  it('Creality: no credentials to check, model, firmware and state', async () => {
    const fake = new FakeCreality();
    await fake.listen();
    try {
      const ok = await probeCreality('127.0.0.1', fake.port, 2000);
      assert.match(ok.message, REACHABLE);
      assert.match(ok.message, /^Reachable · no auth needed · Creality \S+ firmware \S+ · printer /);
    } finally {
      await fake.close();
    }
  });

  it('Elegoo: the SDCP websocket has no credentials, the Centauri Carbon 2 checks its access code', async () => {
    const sdcp = new FakeSdcp();
    await sdcp.listen();
    const cc2 = new FakeCc2({ password: 'secret-code' });
    await cc2.listen();
    try {
      const plain = await probeElegoo(new SdcpConnection({ host: '127.0.0.1', port: sdcp.port, model: 'cc', backoff: { baseMs: 3_600_000 } }), 'sdcp', 3000);
      assert.match(plain.message, /^Reachable · no auth needed · Elegoo Centauri Carbon firmware V1\.1\.29 · printer \S+/);
      const two = await probeElegoo(new Cc2Connection({ host: '127.0.0.1', port: cc2.port, serial: cc2.serial, accessCode: 'secret-code', backoff: { baseMs: 3_600_000 } }), 'cc2', 3000);
      assert.match(two.message, /^Reachable · auth OK · Elegoo Centauri Carbon 2 /);
      assert.doesNotMatch(two.message, /secret-code/);
    } finally {
      await sdcp.close();
      await cc2.close();
    }
  });

  describe('Bambu Lab over TLS', () => {
    const target = useProbeTarget(3000);
    const base = () => target.base();

    it('says what it reached in the shared wording', async () => {
      const ok = await probeBambu({ ...base(), tls: { mode: 'pin' } });
      assert.equal(ok.message, 'Reachable · auth OK · Bambu Lab P1P firmware 01.08.02.00 · printer FINISH');
    });

    it('a certificate from another authority is "untrusted", one for another serial a name mismatch, in words', async () => {
      const untrusted = await probeBambu({ ...base(), tls: { mode: 'ca', ca: testPki('00M00A000000099').ca } });
      assert.deepEqual([untrusted.ok, untrusted.problem, untrusted.message], [false, 'tls', 'untrusted certificate: no trusted authority signed it']);
      const otherName = await probeBambu({ ...base(), serial: '00M00A000000777', tls: { mode: 'ca', ca: target.printer.pki.ca } });
      assert.deepEqual([otherName.ok, otherName.problem, otherName.message], [false, 'tls', 'certificate name mismatch: the certificate is for another name']);
    });

    it('a port that does not speak TLS is a failed handshake, not OpenSSL text', async () => {
      const sockets = new Set<net.Socket>();
      const plain = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      });
      await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
      try {
        const result = await probeBambu({ ...base(), port: (plain.address() as net.AddressInfo).port, tls: { mode: 'insecure' } });
        assert.equal(result.ok, false);
        assert.equal(result.problem, 'tls', JSON.stringify(result));
        assert.match(result.message, /^TLS handshake failed/);
        assert.doesNotMatch(result.message, OPENSSL);
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((r) => plain.close(() => r()));
      }
    });
  });
});
