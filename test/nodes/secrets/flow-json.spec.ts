// Secrets never leak (docs/secrets.md): what the editor saves.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { nodeRedLine } from '../helper';

describe(`secrets never leak (Node-RED ${nodeRedLine})`, function () {
  this.timeout(10_000);
  describe('flow JSON', () => {
    // What the editor saves: a credential field in `defaults` would be written to flows.json in clear.
    const CREDENTIALS: Record<string, Record<string, 'password' | 'text'>> = {
      'printhooks-octoprint-server': { apiKey: 'password' },
      'printhooks-moonraker-server': { apiKey: 'password' },
      'printhooks-bambu-printer': { accessCode: 'password' },
      'printhooks-elegoo-printer': { accessCode: 'password' },
      'printhooks-signer': { secrets: 'password' },
      'printhooks-verify': { secrets: 'password' },
      'printhooks-endpoint': {
        token: 'password', username: 'text', password: 'password', clientId: 'text', clientSecret: 'password',
        ca: 'text', cert: 'text', key: 'password', proxyUsername: 'text', proxyPassword: 'password',
      },
    };

    /** The keys of the object literal that follows `name: {` in the editor definition. */
    function block(html: string, name: string): Record<string, string> {
      const start = html.indexOf(`${name}: {`);
      assert.ok(start >= 0, `${name} block`);
      let depth = 0;
      let end = start + name.length + 2;
      for (; end < html.length; end += 1) {
        if (html[end] === '{') depth += 1;
        if (html[end] === '}' && --depth === 0) break;
      }
      const body = html.slice(start + name.length + 3, end);
      const fields: Record<string, string> = {};
      // entries one per line or several on one line
      for (const m of body.matchAll(/(?:^|[,\n])\s*(\w+)\s*:\s*\{([^}]*)\}/g)) fields[m[1]] = m[2];
      return fields;
    }

    for (const [type, fields] of Object.entries(CREDENTIALS)) {
      it(`${type}: every secret is a credential (password type), none is a default`, () => {
        const html = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'nodes', type, `${type}.html`), 'utf8');
        const defaults = block(html, 'defaults');
        const credentials = block(html, 'credentials');
        assert.ok(Object.keys(defaults).length > 0, 'defaults parsed');
        for (const [name, kind] of Object.entries(fields)) {
          assert.ok(!(name in defaults), `${name} must not be in defaults`);
          assert.match(credentials[name] ?? '', new RegExp(`type:\\s*'${kind}'`), `${name} is a ${kind} credential`);
        }
      });
    }
  });
});
