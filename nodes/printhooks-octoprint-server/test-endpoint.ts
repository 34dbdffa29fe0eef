import type { NodeAPI } from 'node-red';
import { probeOctoPrint } from '../../src/sources/octoprint/probe';
import { registerProbeRoute } from '../shared/probe-route';
import { typedOrStoredSecret } from '../shared/typed-or-stored-secret';

/**
 * POST printhooks-octoprint-server/test {id, url, apiKey, allowSelfSigned}: the editor's
 * "Test connection". A left-unchanged key is taken from the stored credentials of config node `id`.
 */
export function registerTestEndpoint(RED: NodeAPI): void {
  registerProbeRoute(RED, 'printhooks-octoprint-server', (body) =>
    probeOctoPrint({
      url: body.url,
      apiKey: typedOrStoredSecret(RED, body, 'apiKey', 'printhooks-octoprint-server'),
      allowSelfSigned: body.allowSelfSigned === true || body.allowSelfSigned === 'true',
    }),
  );
}
