import type { NodeAPI } from 'node-red';
import { probeFailure, type ProbeResult } from '../../src/sources/probe-result';
import { tlsFailure } from '../../src/sources/probe-wording';
import { toError } from './errors';

/** OpenSSL's own text ("error:0A000086:SSL routines:…"): never shown, the cause in words instead. */
const OPENSSL_TEXT = /error:[0-9A-F]{8}:|SSL routines|ssl3_|tls_process_/i;

/** The answer as the editor shows it: OpenSSL text that slipped through a probe becomes words. */
function shown(result: ProbeResult): ProbeResult {
  return OPENSSL_TEXT.test(result.message) ? { ...result, problem: result.problem ?? 'tls', message: tlsFailure(result.message) } : result;
}

/**
 * POST /<type>/test: the editor's "Test connection" for a config node type. Always answers 200 with a
 * ProbeResult (src/sources/probe-result.ts), also when the probe throws; secrets never appear in it, nor
 * OpenSSL's text (docs/editor.md "Test connection").
 */
export function registerProbeRoute(RED: NodeAPI, type: string, probe: (body: Record<string, unknown>) => Promise<ProbeResult>): void {
  RED.httpAdmin.post(`/${type}/test`, RED.auth.needsPermission(`${type}.write`), (req, res) => {
    const body: Record<string, unknown> = req.body !== null && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
    let answer: Promise<ProbeResult>;
    try {
      answer = probe(body);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (result) => res.json(shown(result)),
      (error: unknown) => res.json(shown(probeFailure('config', toError(error).message))),
    );
  });
}
