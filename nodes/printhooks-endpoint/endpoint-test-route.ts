import type { NodeAPI } from 'node-red';
import { parseEndpointConfig, type EndpointCredentials, type RawEndpointConfig } from '../../src/delivery/endpoint-config';
import { testEndpoint } from '../../src/delivery/endpoint-test';
import { buildEvent } from '../../src/event';
import { probeFailure } from '../../src/sources/probe-result';
import { registerProbeRoute } from '../shared/probe-route';
import { typedOrStoredSecret } from '../shared/typed-or-stored-secret';
import { CREDENTIAL_NAMES } from './credential-names';

const TYPE = 'printhooks-endpoint';

/**
 * POST printhooks-endpoint/test: the dialog's Test with its unsaved values; a credential left empty
 * or unchanged is the deployed node's (body.id). Sends a HEAD, or the `test` event when the user
 * confirmed `sendEvent`. Answers a ProbeResult with status, time and whether auth was accepted.
 */
export function registerEndpointTestRoute(RED: NodeAPI): void {
  registerProbeRoute(RED, TYPE, async (body) => {
    const creds: EndpointCredentials = {};
    for (const name of CREDENTIAL_NAMES) {
      const value = typedOrStoredSecret(RED, body, name, TYPE);
      if (value !== '') creds[name] = value;
    }
    const raw: RawEndpointConfig = { ...body };
    if (raw.auth === undefined) raw.auth = '';
    const parsed = parseEndpointConfig(raw, creds);
    if (!parsed.config) return probeFailure('config', `Fix the settings first: ${parsed.errors.join('; ')}`);
    const event = body.sendEvent === true || body.sendEvent === 'true'
      ? buildEvent({ type: 'test', printer: { id: 'printhooks-test', name: 'PrintHooks test', kind: 'test' }, discriminator: Date.now() })
      : undefined;
    return testEndpoint(parsed.config, creds, {
      userAgent: 'PrintHooks (+node-red)',
      event: event ? { id: event.id, body: Buffer.from(JSON.stringify(event), 'utf8') } : undefined,
    });
  });
}
