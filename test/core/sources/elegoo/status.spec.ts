import assert from 'node:assert/strict';
import { Cc2Connection } from '../../../../src/sources/elegoo/cc2-connection';
import { SdcpConnection } from '../../../../src/sources/elegoo/connection';
import type { ElegooLink } from '../../../../src/sources/elegoo/link';
import { describeProblem } from '../../../../src/sources/elegoo/problems';
import { statusFor } from '../../../../src/sources/elegoo/status';
import { shortStatus } from '../../../../src/sources/status';
import { closedPort } from '../../../fakes/loopback';
import { firstFailure } from '../first-failure';

// The Elegoo status on a printer that cannot be reached reads like the other sources': cause, then host:port.

describe('elegoo status on an unreachable printer', () => {
  const links: Array<[string, (port: number) => ElegooLink]> = [
    ['SDCP (websocket)', (port) => new SdcpConnection({ host: '127.0.0.1', port, model: 'cc', backoff: { baseMs: 60_000, maxMs: 60_000 }, warn: () => undefined })],
    ['CC2 (MQTT)', (port) => new Cc2Connection({ host: '127.0.0.1', port, serial: 'SN1', backoff: { baseMs: 60_000, maxMs: 60_000 }, warn: () => undefined })],
  ];
  for (const [name, open] of links) {
    it(`${name}: a red ring reading "connection refused: 127.0.0.1:<port>"`, async () => {
      const port = await closedPort();
      const link = open(port);
      try {
        const failed = await firstFailure(link);
        assert.equal(failed.problem, 'unreachable');
        assert.deepEqual(statusFor(failed), { fill: 'yellow', shape: 'ring', text: `connection refused: 127.0.0.1:${port}` });
      } finally {
        await link.stop();
      }
    });
  }

  it('names the host of a failed lookup, an IPv6 address in brackets, and leaves out a target it cannot tell', () => {
    const err = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);
    assert.equal(describeProblem(err({ code: 'ENOTFOUND', hostname: 'centauri.local' })).message, 'unreachable (ENOTFOUND centauri.local)');
    assert.equal(shortStatus(describeProblem(err({ code: 'ENOTFOUND', hostname: 'centauri.local' })).message), 'host not found: centauri.local');
    assert.equal(shortStatus(describeProblem(err({ code: 'ECONNREFUSED', address: '::1', port: 3030 })).message), 'connection refused: [::1]:3030');
    assert.equal(describeProblem(err({ code: 'ECONNRESET' })).message, 'unreachable (ECONNRESET)');
    assert.equal(describeProblem(err({ code: 'ECONNREFUSED', address: 'a b)', port: 1 })).message, 'unreachable (ECONNREFUSED)');
  });

  it('a cause without a target reads as the cause alone, never with a stray bracket', () => {
    assert.equal(shortStatus('unreachable (ECONNREFUSED)'), 'connection refused');
    assert.equal(shortStatus('connect ECONNREFUSED 127.0.0.1:7125'), 'connection refused: 127.0.0.1:7125');
  });
});
