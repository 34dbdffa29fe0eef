/**
 * Every way a credential can come back in a target's answer or an error text (docs/secrets.md,
 * "Scrubbing"): as written, JSON-escaped (also ASCII-only, as Python writes it), HTML-escaped (an error
 * page), URL- and form-encoded, base64 (padded, unpadded, url) and hex, for a `whsec_`/`whsk_` key
 * also its key bytes, and for a PEM key its base64 body joined and each of its lines. The leak audit (test/nodes/leak-audit.ts) looks
 * for the same forms.
 */

/** Shorter values are not scrubbed on their own: blanking every "ab" would garble the text and protect nothing. */
export const MIN_SCRUBBED_LENGTH = 3;

const KEY_PREFIX = /^(?:whsec_|whsk_|whpk_)([A-Za-z0-9+/=_-]+)$/;
const formCache = new Map<string, readonly string[]>();
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function bytesForms(bytes: Buffer, out: Set<string>): void {
  const base64 = bytes.toString('base64');
  out.add(base64);
  out.add(base64.replace(/=+$/, ''));
  out.add(bytes.toString('base64url'));
  out.add(bytes.toString('hex'));
  out.add(bytes.toString('hex').toUpperCase());
}

function computeForms(value: string): string[] {
  const out = new Set<string>([value]);
  const json = JSON.stringify(value).slice(1, -1);
  out.add(json);
  out.add(json.replace(/\//g, '\\/'));
  out.add(json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  out.add(value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]));
  out.add(value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`));
  const uri = encodeURIComponent(value);
  out.add(uri);
  out.add(uri.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  out.add(uri.replace(/%3A/gi, ':'));
  out.add(new URLSearchParams([['', value]]).toString().slice(1));
  out.add(value.replace(/[\r\n]+/g, ' '));
  bytesForms(Buffer.from(value, 'utf8'), out);
  // a PEM private key (an endpoint's mTLS key) may come back re-wrapped or line by line
  const pem = /-----BEGIN [A-Z ]+-----([\s\S]+?)-----END [A-Z ]+-----/.exec(value);
  if (pem) {
    out.add(pem[1].replace(/\s+/g, ''));
    for (const line of pem[1].split(/\s+/)) if (line.length >= 16) out.add(line);
  }
  const key = KEY_PREFIX.exec(value);
  if (key) {
    out.add(key[1]);
    const bytes = Buffer.from(key[1], 'base64');
    if (bytes.length >= MIN_SCRUBBED_LENGTH) {
      out.add(bytes.toString('latin1'));
      bytesForms(bytes, out);
    }
  }
  return [...out].filter((form) => form.length >= MIN_SCRUBBED_LENGTH);
}

/** The forms of one credential (none when it is too short to scrub); cached, credentials rarely change. */
export function credentialForms(value: string): readonly string[] {
  if (value.length < MIN_SCRUBBED_LENGTH) return [];
  const hit = formCache.get(value);
  if (hit) return hit;
  const forms = computeForms(value);
  if (formCache.size >= 256) formCache.clear();
  formCache.set(value, forms);
  return forms;
}

/** The forms of several credentials, longest first (so a longer form is blanked before a part of it). */
export function formsOf(values: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const value of values) for (const form of credentialForms(value)) out.add(form);
  return [...out].sort((a, b) => b.length - a.length);
}

export const SCRUBBED = '[secret]';

/**
 * `text` with every form blanked out. When the text was cut (`truncated`), a tail that is the start
 * of a form is blanked too, so a credential cut in half does not leave its first part.
 */
export function scrubForms(text: string, forms: readonly string[], truncated = false): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(SCRUBBED);
  if (truncated) {
    for (const form of forms) {
      for (let k = Math.min(form.length - 1, out.length); k >= 4; k--) {
        if (out.endsWith(form.slice(0, k))) {
          out = out.slice(0, out.length - k) + SCRUBBED;
          break;
        }
      }
    }
  }
  return out;
}
