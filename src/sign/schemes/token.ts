import { reject, type Scheme, type SchemeOptions } from '../scheme';
import { safeEqual } from '../timing';

export const DEFAULT_TOKEN_HEADER = 'x-sp-token';

function headerOf(options: SchemeOptions): string {
  return (options.header || DEFAULT_TOKEN_HEADER).toLowerCase();
}

function checked(secrets: readonly string[]): readonly string[] {
  if (secrets.some((s) => s.length === 0 || /[\r\n]/.test(s))) throw new Error('token: empty secret or a line break in it');
  return secrets;
}

/** A static shared secret in a header (X-SP-Token, X-API-Key); in Authorization it is sent as `Bearer <token>`. */
export const token: Scheme = {
  headerNames: (options) => [headerOf(options)],
  signer(secrets, options) {
    const [secret] = checked(secrets);
    const header = headerOf(options);
    const value = header === 'authorization' ? `Bearer ${secret}` : secret;
    return () => ({ [header]: value });
  },
  verifier(secrets, options) {
    const accepted = checked(secrets);
    const header = headerOf(options);
    return ({ headers }) => {
      let offered = headers[header];
      if (!offered) return reject('missing-header', `no ${header} header`);
      if (header === 'authorization') {
        if (!/^bearer /i.test(offered)) return reject('unknown-version', 'authorization is not a Bearer token');
        offered = offered.slice('bearer '.length).trim();
      }
      if (accepted.some((s) => safeEqual(offered, s))) return { ok: true };
      return reject('bad-signature', `${header} does not hold an accepted token`);
    };
  },
};
