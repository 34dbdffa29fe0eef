// Secrets never leak (docs/secrets.md): the leak audit finds what it must. Shared set-up in ./environment.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import signerNode = require('../../../nodes/printhooks-signer/printhooks-signer');
import { helper, nodeRedLine } from '../helper';
import { LeakAudit, secret } from '../leak-audit';
import { auditEnvironment } from './environment';

describe(`secrets never leak (Node-RED ${nodeRedLine})`, function () {
  this.timeout(10_000);
  const t = auditEnvironment();

  describe('the audit itself', () => {
    it('finds a planted secret in every channel it watches, in every encoding', async () => {
      const PLANTED = 'SECRET-planted-7f3a';
      const bytes = Buffer.from(PLANTED);
      const channels: Array<[string, (n: Record<string, (...a: unknown[]) => void>) => void | Promise<unknown>]> = [
        ['node.warn', (n) => n.warn(`oops ${PLANTED}`)],
        ['node.log (base64)', (n) => n.log(bytes.toString('base64'))],
        ['node.error (hex, in an Error)', (n) => n.error(new Error(`failed: ${bytes.toString('hex')}`))],
        ['node.status (URL-encoded)', (n) => n.status({ text: encodeURIComponent(`${PLANTED} ?`) })],
        ['node.send (Buffer)', (n) => n.send({ payload: Buffer.from(`x${PLANTED}`) })],
        ['node.send (base64url)', (n) => n.send({ payload: { deep: [bytes.toString('base64url')] } })],
        ['file', () => fs.writeFileSync(path.join(t.userDir, 'planted.bin'), Buffer.concat([Buffer.from([0, 1]), bytes]))],
        ['admin answer', () => t.audit.admin('post', '/printhooks-signer/keys', { action: 'generate', scheme: PLANTED })],
      ];
      for (const [channel, plant] of channels) {
        t.audit = new LeakAudit();
        t.audit.dirs.push(t.userDir);
        // Wired: Node-RED gives a node without wires a no-op send that no spy sees (and no msg leaves).
        await t.audit.load([signerNode], [{ id: 'h1', type: 'helper', wires: [['h2']] }, { id: 'h2', type: 'helper' }]);
        assert.doesNotMatch(t.audit.haystack(), /SECRET-planted/);
        await plant(helper.getNode('h1') as unknown as Record<string, (...a: unknown[]) => void>);
        await helper.unload();
        assert.throws(() => t.audit.assertNoLeak([secret('planted', PLANTED)]), /planted leaked/, channel);
        fs.rmSync(path.join(t.userDir, 'planted.bin'), { force: true });
      }
    });

    it('finds a secret with special characters JSON-escaped, form-encoded and with lower-case %xx', () => {
      const special = 'SECRET-planted/+ "7f3a"&=';
      const plantings: Array<[string, (value: string) => string]> = [
        ['JSON-escaped', (v) => JSON.stringify({ echoed: v })],
        ['JSON-escaped with \\/', (v) => JSON.stringify(v).replace(/\//g, '\\/')],
        ['form-encoded', (v) => new URLSearchParams({ token: v }).toString()],
        ['lower-case %xx', (v) => encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
      ];
      for (const [form, encode] of plantings) {
        const audit = new LeakAudit();
        audit.note('echo', encode('OTHER-value/+ "7f3a"&='));
        assert.doesNotThrow(() => audit.assertNoLeak([secret('special', special)]), `${form}: another value is no leak`);
        audit.note('echo', encode(special));
        assert.throws(() => audit.assertNoLeak([secret('special', special)]), /special leaked/, form);
      }
    });
  });
});
