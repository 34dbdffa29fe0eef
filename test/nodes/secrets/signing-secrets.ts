// Distinctive signing secrets shared by the signer and verify audits: a hit in the haystack can only be a leak.
import { secret, type Secret } from '../leak-audit';

export const SW_KEY = Buffer.from('SECRET-sw-hmac-key-7f3a-2c9d');
export const WHSEC = `whsec_${SW_KEY.toString('base64')}`;
export const ED_SEED = Buffer.from('SECRET-ed25519-seed-7f3a-0000000'); // 32 bytes
export const WHSK = `whsk_${ED_SEED.toString('base64')}`;
export const GITHUB = 'SECRET-github-7f3a';
export const STRIPE = 'whsec_SECRET-stripe-7f3a';
export const HMAC = 'SECRET-hmac-7f3a';
export const TOKEN = 'SECRET-token-7f3a';
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export const SIGNING_SECRETS: Secret[] = [
  secret('standard-webhooks secret', WHSEC, SW_KEY),
  secret('ed25519 secret key', WHSK, ED_SEED, Buffer.concat([PKCS8_ED25519, ED_SEED])),
  secret('github secret', GITHUB),
  secret('stripe secret', STRIPE),
  secret('hmac secret', HMAC),
  secret('token', TOKEN),
];
