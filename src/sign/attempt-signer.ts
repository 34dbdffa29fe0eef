import type { SigningConfig } from './config';
import { SCHEME_IMPLEMENTATIONS } from './schemes';
import type { AttemptInput, AttemptSigner } from './signer-registry';

/** The AttemptSigner a signer node registers: keys parsed once, one call per delivery attempt. */
export function createAttemptSigner(config: SigningConfig): AttemptSigner {
  const scheme = SCHEME_IMPLEMENTATIONS[config.scheme];
  const sign = scheme.signer(config.secrets, config.options);
  const headerNames = Object.freeze(scheme.headerNames(config.options));
  return {
    headerNames,
    sign(input: AttemptInput): Record<string, string> {
      if (!Buffer.isBuffer(input.body)) throw new TypeError('sign: body must be a Buffer');
      if (!Number.isInteger(input.timestamp) || input.timestamp < 0) throw new TypeError('sign: timestamp must be whole Unix seconds');
      if (typeof input.id !== 'string' || input.id === '' || input.id.includes('.')) throw new TypeError('sign: id must be a non-empty string without a full stop');
      return sign(input);
    },
  };
}
