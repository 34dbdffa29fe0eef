import type { NodeAPI } from 'node-red';
import { probeOctoPrint } from '../../src/sources/octoprint/probe';

/** What the editor sends for a password field the user did not touch. */
const UNCHANGED_PASSWORD = '__PWRD__';

/**
 * POST printhooks-octoprint-server/test {id, url, apiKey, allowSelfSigned}: the editor's
 * "Test connection". A left-unchanged key is taken from the stored credentials of config node `id`.
 * Always answers 200 with the probe result; the key never appears in the answer or in logs.
 */
export function registerTestEndpoint(RED: NodeAPI): void {
  RED.httpAdmin.post('/printhooks-octoprint-server/test', RED.auth.needsPermission('printhooks-octoprint-server.write'), (req, res) => {
    const body = (req.body ?? {}) as { id?: unknown; url?: unknown; apiKey?: unknown; allowSelfSigned?: unknown };
    let apiKey = typeof body.apiKey === 'string' ? body.apiKey : '';
    if ((apiKey === '' || apiKey === UNCHANGED_PASSWORD) && typeof body.id === 'string' && body.id !== '') {
      const stored = RED.nodes.getCredentials(body.id) as { apiKey?: string } | undefined;
      apiKey = stored?.apiKey ?? '';
    }
    if (apiKey === UNCHANGED_PASSWORD) apiKey = '';
    probeOctoPrint({ url: body.url, apiKey, allowSelfSigned: body.allowSelfSigned === true || body.allowSelfSigned === 'true' })
      .then((result) => res.json(result))
      .catch((error: Error) => res.json({ ok: false, kind: 'config', error: error.message }));
  });
}
