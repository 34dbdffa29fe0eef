import { strict as assert } from 'node:assert';
import { BambuConnection } from '../../../../src/sources/bambu/connection';
import { describeProblem } from '../../../../src/sources/bambu/problems';
import { statusFor } from '../../../../src/sources/bambu/status';
import { shortStatus } from '../../../../src/sources/status';
import { closedPort } from '../../../fakes/loopback';
import { firstFailure } from '../first-failure';

// The Bambu status on a printer that cannot be reached names it, like the other sources: cause, then host:port.

describe('bambu status on an unreachable printer', () => {
  it('reads "connection refused: 127.0.0.1:<port>"', async () => {
    const port = await closedPort();
    const link = new BambuConnection({ host: '127.0.0.1', port, serial: 'SN1', accessCode: '12345678', tls: { mode: 'insecure' }, backoff: { baseMs: 60_000, maxMs: 60_000 }, warn: () => undefined });
    try {
      const failed = await firstFailure(link);
      assert.deepEqual(statusFor(failed), { fill: 'yellow', shape: 'ring', text: `connection refused: 127.0.0.1:${port}` });
    } finally {
      await link.stop();
    }
  });

  it('names the host of a failed lookup and leaves out a target the error does not tell', () => {
    const err = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);
    assert.equal(shortStatus(describeProblem(err({ code: 'ENOTFOUND', hostname: 'x1c.local' })).message), 'host not found: x1c.local');
    assert.equal(describeProblem(err({ code: 'ECONNRESET' })).message, 'unreachable (ECONNRESET)');
  });
});
