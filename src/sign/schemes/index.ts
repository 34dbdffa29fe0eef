import type { Scheme, SchemeName } from '../scheme';
import { github } from './github';
import { hmacSha256Body } from './hmac-sha256';
import { slack } from './slack';
import { standardWebhooks } from './standard-webhooks';
import { standardWebhooksEd25519 } from './standard-webhooks-ed25519';
import { stripe } from './stripe';
import { token } from './token';

export const SCHEME_IMPLEMENTATIONS: Record<SchemeName, Scheme> = {
  'standard-webhooks': standardWebhooks,
  'standard-webhooks-ed25519': standardWebhooksEd25519,
  github,
  stripe,
  'hmac-sha256': hmacSha256Body,
  token,
  slack,
};
