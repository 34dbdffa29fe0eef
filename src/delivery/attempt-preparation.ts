import type { AttemptSigner } from '../sign/signer-registry';
import { isSecretOwnerRegistered } from '../secrets/secret-refs';
import type { OutgoingRequest } from './http-transport';
import type { StoredRequest } from './outbox-record';
import { permanentSecretProblem, resolveRequestSecrets } from './request-secrets';
import { credentialsOfAttempt } from './scrub-result';

/** What an endpoint gives every attempt: its url and method (when the msg sets none) and its auth. */
export interface RequestDefaults {
  url: string;
  method: string;
  /** Auth headers from the endpoint's credentials: added per attempt, never stored. */
  authHeaders: Record<string, string>;
}

/** What to do with a stored request now. */
export type PreparedAttempt =
  /** Send it; `secretsSent` are the secret values put into it (references, auth), to be blanked out of the result. */
  | { kind: 'send'; request: OutgoingRequest; secretsSent: readonly string[] }
  /** Its signer or the owner of its secret references is not running yet: try again at `retryAt`. */
  | { kind: 'wait'; retryAt: number }
  /** It can never be sent: make it a dead letter. */
  | { kind: 'dead'; reason: string };

export interface AttemptPreparationOptions {
  getSigner: (id: string) => AttemptSigner | undefined;
  /** Wait before trying a record again whose signer is not registered yet (flows still starting). */
  signerWaitMs?: number;
  /** Report (once) a signer, or an owner of secret references, still missing after this long. */
  signerMissingReportMs?: number;
  /** Wait before trying again a record whose secret references name a template node not running yet. */
  secretWaitMs?: number;
  /** How long such an owner may stay missing before its records become dead letters (default 5 min). */
  secretGraceMs?: number;
  onError?: (err: Error) => void;
}

/** When a missing signer or secret owner was first needed, and whether that was reported. */
interface MissingSince {
  since: number;
  reported: boolean;
}

/**
 * Turns a stored request into the request of one attempt (docs/delivery.md, "Attempts" and "Secret
 * references"): secret references resolved, signed afresh, the endpoint's auth added. A request is
 * never sent unsigned or with a reference in place of its secret: it waits for the missing node.
 */
export class AttemptPreparation {
  private readonly missingSigners = new Map<string, MissingSince>();
  private readonly missingSecretOwners = new Map<string, MissingSince>();

  constructor(private readonly options: AttemptPreparationOptions) {}

  prepare(req: StoredRequest, defaults: RequestDefaults, now: number): PreparedAttempt {
    const options = this.options;
    // secret references become secrets here, for this attempt only: the outbox keeps the references
    const resolved = resolveRequestSecrets(req);
    if (resolved.unresolved.length > 0) {
      const problem = permanentSecretProblem(resolved.unresolved);
      if (problem) return { kind: 'dead', reason: problem };
      const owner = resolved.unresolved[0].owner;
      const seen = this.missingSecretOwners.get(owner) ?? { since: now, reported: false };
      this.missingSecretOwners.set(owner, seen);
      if (!seen.reported && now - seen.since >= (options.signerMissingReportMs ?? 30_000)) {
        seen.reported = true;
        options.onError?.(new Error(`template node ${owner} is not deployed: msgs with its secret references wait in the outbox (never sent without the secret) and become dead letters after the grace period`));
      }
      if (now - seen.since >= (options.secretGraceMs ?? 300_000)) {
        return { kind: 'dead', reason: `secret reference: template node ${owner} that holds the ${resolved.unresolved[0].name} is not deployed` };
      }
      // the template node may not be started yet (restart, redeploy): wait, never send the reference
      return { kind: 'wait', retryAt: now + (options.secretWaitMs ?? 1000) };
    }
    if (this.missingSecretOwners.size > 0) {
      for (const owner of [...this.missingSecretOwners.keys()]) if (isSecretOwnerRegistered(owner)) this.missingSecretOwners.delete(owner);
    }
    let signed: Record<string, string> = {};
    if (req.signer) {
      const signer = options.getSigner(req.signer);
      if (!signer) {
        // the signer node may not be started yet (restart, redeploy): wait, do not send unsigned
        this.reportMissingSigner(req.signer, now);
        return { kind: 'wait', retryAt: now + (options.signerWaitMs ?? 1000) };
      }
      this.missingSigners.delete(req.signer);
      try {
        signed = signer.sign({ id: req.webhookId, body: resolved.body, timestamp: Math.floor(now / 1000) });
      } catch (e) {
        return { kind: 'dead', reason: `signing failed: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
    const headers: Record<string, string> = { ...resolved.headers, ...defaults.authHeaders };
    if (!('webhook-id' in headers) && !Object.keys(signed).some((h) => h.toLowerCase() === 'webhook-id')) {
      headers['webhook-id'] = req.webhookId;
    }
    Object.assign(headers, signed);
    const url = resolved.url || defaults.url;
    return {
      kind: 'send',
      // a msg's url meets the destination policy unless it stays on the endpoint's own origin
      request: { method: req.method || defaults.method, url, headers, body: resolved.body, checkDestination: !sameOrigin(url, defaults.url) },
      // the endpoint's auth and any user info in the url are blanked out of the answer too (docs/secrets.md)
      secretsSent: [...resolved.written, ...credentialsOfAttempt(defaults.authHeaders, url)],
    };
  }

  private reportMissingSigner(id: string, now: number): void {
    const seen = this.missingSigners.get(id);
    if (!seen) {
      this.missingSigners.set(id, { since: now, reported: false });
    } else if (!seen.reported && now - seen.since >= (this.options.signerMissingReportMs ?? 30_000)) {
      seen.reported = true;
      this.options.onError?.(new Error(`signer node ${id} is not deployed: msgs signed by it wait in the outbox until it is (they are never sent unsigned)`));
    }
  }
}

/** Same scheme, host and port (the WHATWG origin); false when either is not a URL. */
function sameOrigin(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
