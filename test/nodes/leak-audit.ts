// Captures everything a node could leak a secret through (node.log/warn/error/status/send and the
// runtime log, both spied by node-red-node-test-helper; admin endpoint answers; files under a
// directory) and fails if any form of a secret appears in it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { helper } from './helper';

interface Spy {
  getCalls(): Array<{ args: unknown[]; thisValue?: { id?: string } }>;
}

/** The Node methods the helper spies on (its PROXY_METHODS). */
const SPIED = ['log', 'status', 'warn', 'error', 'debug', 'trace', 'send'] as const;

/** A secret and every encoding of it that would count as a leak. */
export interface Secret {
  label: string;
  forms: string[];
}

/**
 * The secret as text, JSON-escaped (also with `\/`), URL-encoded (either case of %XX) and form-encoded,
 * base64 (padded or not), base64url and hex, plus extra byte forms.
 */
export function secret(label: string, value: string, ...bytes: Buffer[]): Secret {
  const json = JSON.stringify(value).slice(1, -1);
  const uri = encodeURIComponent(value);
  const forms = new Set<string>([json, json.replace(/\//g, '\\/'), uri, uri.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()), new URLSearchParams([['', value]]).toString().slice(1)]);
  for (const b of [Buffer.from(value, 'utf8'), ...bytes]) {
    forms.add(b.toString('latin1'));
    forms.add(b.toString('base64'));
    forms.add(b.toString('base64').replace(/=+$/, ''));
    forms.add(b.toString('base64url'));
    forms.add(b.toString('hex'));
    forms.add(b.toString('hex').toUpperCase());
  }
  return { label, forms: [...forms].filter((f) => f.length >= 8) };
}

/**
 * JSON with Buffers as their raw bytes (latin1), Errors with message and stack, circular refs cut.
 * `allow` maps a header name to the one value it may carry (the token scheme's documented exception).
 */
export function dump(value: unknown, allow: Record<string, string> = {}): string {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return `<bytes ${Buffer.from(raw).toString('latin1')}>`;
    if (raw instanceof Error) return { ...raw, name: raw.name, message: raw.message, stack: raw.stack };
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function') return '<function>';
    if (typeof v === 'string' && allow[key.toLowerCase()] === v) return '<allowed header value>';
    if (v !== null && typeof v === 'object') {
      if (seen.has(v)) return '<seen>';
      seen.add(v);
    }
    return v;
  });
  return text ?? String(value);
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(`<file ${full}>\n${fs.readFileSync(full).toString('latin1')}`);
  }
  return out;
}

export class LeakAudit {
  private readonly nodeSpies: Array<{ method: string; spy: Spy }> = [];
  private readonly logSpies: Spy[] = [];
  private readonly answers: string[] = [];
  /** Files read when the audit runs, the names of files written there included. */
  readonly dirs: string[] = [];

  /** helper.load, keeping the spies of this load (the helper restores them on unload, calls stay readable). */
  async load(types: unknown[], flow: object[], credentials: object = {}): Promise<void> {
    await helper.load(types as never, flow as never, credentials as never);
    // The helper spies on Node.prototype (not on instances, which may shadow a method).
    const proto = (helper as unknown as { _NodePrototype: Record<string, Spy> })._NodePrototype;
    for (const method of SPIED) {
      assert.equal(typeof proto[method]?.getCalls, 'function', `the helper spies on node.${method}`);
      this.nodeSpies.push({ method, spy: proto[method] });
    }
    this.logSpies.push(helper.log() as unknown as Spy);
  }

  /** An admin endpoint call whose answer is audited. */
  async admin(method: 'get' | 'post', url: string, body?: object): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
    const req = helper.request()[method](url);
    const res = body === undefined ? await req : await req.send(body);
    this.answers.push(`<answer ${method} ${url} ${res.status}> ${res.text}`);
    return res as unknown as { status: number; body: Record<string, unknown>; text: string };
  }

  /** Any other text a secret could reach through (an error a snapshot provider rejects with …). */
  note(label: string, text: string): void {
    this.answers.push(`<${label}> ${text}`);
  }

  /** Statuses node `id` set (from every load so far). */
  statuses(id: string): Array<{ fill?: string; shape?: string; text?: string }> {
    return this.nodeSpies
      .filter((s) => s.method === 'status')
      .flatMap((s) => s.spy.getCalls().filter((c) => c.thisValue?.id === id).map((c) => c.args[0] as { fill?: string; text?: string }));
  }

  /** Everything captured, as one text. */
  haystack(allowInSends: Record<string, string> = {}): string {
    const parts: string[] = [];
    for (const { method, spy } of this.nodeSpies) {
      for (const call of spy.getCalls()) {
        const args = method === 'send' ? dump(call.args, allowInSends) : `${dump(call.args)}\n${inspect(call.args, { depth: 12, maxStringLength: null, maxArrayLength: null, breakLength: Infinity })}`;
        parts.push(`<${method} ${call.thisValue?.id ?? '?'}> ${args}`);
      }
    }
    for (const spy of this.logSpies) for (const call of spy.getCalls()) parts.push(`<runtime log> ${dump(call.args)}`);
    parts.push(...this.answers);
    for (const dir of this.dirs) parts.push(...filesUnder(dir));
    return parts.join('\n');
  }

  /** Fails naming the secret, the form and where it appeared; returns the haystack for positive checks. */
  assertNoLeak(secrets: Secret[], allowInSends: Record<string, string> = {}): string {
    const hay = this.haystack(allowInSends);
    for (const s of secrets) {
      for (const form of s.forms) {
        const at = hay.indexOf(form);
        if (at >= 0) {
          const start = hay.lastIndexOf('\n<', at);
          assert.fail(`${s.label} leaked as "${form}" in: ${hay.slice(Math.max(0, start), at + form.length + 80)}`);
        }
      }
    }
    return hay;
  }
}
