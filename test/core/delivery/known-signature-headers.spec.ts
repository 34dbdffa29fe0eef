import assert from 'node:assert/strict';
import { KNOWN_SIGNATURE_HEADERS } from '../../../src/delivery/known-signature-headers';
import { createAttemptSigner } from '../../../src/sign/attempt-signer';
import { parseSigningConfig } from '../../../src/sign/config';
import { generateSecret } from '../../../src/sign/keys';
import { SCHEME_IMPLEMENTATIONS } from '../../../src/sign/schemes';
import type { SchemeName } from '../../../src/sign/scheme';

// The sender falls back on this list when a msg names a signer that is not registered: every
// header a scheme sets with its default header name must be on it, or it would reach the disk.
describe('core/delivery known signature headers', () => {
  for (const scheme of Object.keys(SCHEME_IMPLEMENTATIONS) as SchemeName[]) {
    it(`covers every header the ${scheme} scheme sets by default`, () => {
      const parsed = parseSigningConfig({ scheme }, generateSecret(scheme), 'sign');
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      if (!parsed.ok) return;
      const signer = createAttemptSigner(parsed.config);
      const headers = signer.sign({ id: 'evt_x', body: Buffer.from('{}'), timestamp: 1_800_000_000 });
      const secretish = Object.keys(headers).map((h) => h.toLowerCase()).filter((h) => signer.headerNames.includes(h));
      for (const name of secretish) {
        if (name === 'webhook-id' || name === 'x-github-event' || name === 'x-github-delivery') continue;
        assert.ok(KNOWN_SIGNATURE_HEADERS.includes(name), `${scheme} sets ${name}, missing from KNOWN_SIGNATURE_HEADERS`);
      }
    });
  }
});
