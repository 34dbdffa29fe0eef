import type { NodeAPI } from 'node-red';
import { probeFailure, type ProbeResult } from '../../src/sources/probe-result';
import { toError } from './errors';

/**
 * POST /<type>/test: the editor's "Test connection" for a config node type. Always answers 200 with a
 * ProbeResult (src/sources/probe-result.ts), also when the probe throws; secrets never appear in it.
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
      (result) => res.json(result),
      (error: unknown) => res.json(probeFailure('config', toError(error).message)),
    );
  });
}
