// Signatures per second of the signer's AttemptSigner against raw node:crypto doing the same work,
// measured in the same run (1 KiB and 20 KiB bodies). Target: at least 0.9 of raw.
import { createHmac, createPrivateKey, randomBytes, sign as edSign, timingSafeEqual } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { createAttemptSigner } from '../src/sign/attempt-signer';
import { parseSigningConfig } from '../src/sign/config';
import { generateSecret } from '../src/sign/keys';
import type { SchemeName } from '../src/sign/scheme';
import { WebhookVerifier } from '../src/sign/verify';

const ROUNDS = 15;
const ROUND_MS = 200;

/**
 * Calls per second of this process's CPU time (user + system), not wall-clock: the machine is shared
 * with other test runs, and CPU time is far less disturbed by them than elapsed time.
 */
function rate(fn: (i: number) => unknown): number {
  let n = 0;
  const wallEnd = Date.now() + ROUND_MS;
  const cpu0 = process.cpuUsage();
  while (Date.now() < wallEnd) {
    for (let k = 0; k < 50; k += 1) fn(n++);
  }
  const cpu = process.cpuUsage(cpu0);
  return n / ((cpu.user + cpu.system) / 1e6);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Short alternating rounds (raw, ours, ours, raw …) and the median of the per-pair ratios, so load
 * from other processes on the machine hits both contenders alike.
 */
function compare(label: string, ours: (i: number) => unknown, raw: (i: number) => unknown): number {
  rate(raw);
  rate(ours); // warm-up
  const pairs: number[] = [];
  const oursRates: number[] = [];
  const rawRates: number[] = [];
  for (let r = 0; r < ROUNDS; r += 1) {
    const first = r % 2 === 0;
    const a = first ? rate(raw) : rate(ours);
    const b = first ? rate(ours) : rate(raw);
    const [rw, ou] = first ? [a, b] : [b, a];
    rawRates.push(rw);
    oursRates.push(ou);
    pairs.push(ou / rw);
  }
  const ratio = median(pairs);
  const bestOurs = median(oursRates);
  const bestRaw = median(rawRates);
  console.log(`${label.padEnd(34)} ours ${Math.round(bestOurs).toString().padStart(8)}/s  raw ${Math.round(bestRaw).toString().padStart(8)}/s  ratio ${ratio.toFixed(3)}${ratio < 0.9 ? '  BELOW 0.9' : ''}`);
  return ratio;
}

function signerFor(scheme: SchemeName, secret: string) {
  const parsed = parseSigningConfig({ scheme }, secret, 'sign');
  if (!parsed.ok) throw new Error(parsed.error);
  return createAttemptSigner(parsed.config);
}

const whsec = generateSecret('standard-webhooks');
const hmacKey = Buffer.from(whsec.slice(6), 'base64');
const whsk = generateSecret('standard-webhooks-ed25519');
const edKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(whsk.slice(5), 'base64').subarray(0, 32)]), format: 'der', type: 'pkcs8' });
const hmacSigner = signerFor('standard-webhooks', whsec);
const edSigner = signerFor('standard-webhooks-ed25519', whsk);
const id = 'evt_benchmark0000000000000000';
const ts = 1_763_900_000;
const ratios: number[] = [];

for (const size of [1024, 20 * 1024]) {
  const body = Buffer.from(randomBytes(size).toString('base64').slice(0, size));
  const kib = `${size / 1024} KiB`;
  ratios.push(compare(`standard-webhooks v1, ${kib}`,
    (i) => hmacSigner.sign({ id, body, timestamp: ts + i }),
    (i) => {
      const t = ts + i;
      return { 'webhook-id': id, 'webhook-timestamp': String(t), 'webhook-signature': `v1,${createHmac('sha256', hmacKey).update(`${id}.${t}.`).update(body).digest('base64')}` };
    }));
  ratios.push(compare(`standard-webhooks v1a, ${kib}`,
    (i) => edSigner.sign({ id, body, timestamp: ts + i }),
    (i) => {
      const t = ts + i;
      const sig = edSign(null, Buffer.concat([Buffer.from(`${id}.${t}.`), body]), edKey).toString('base64');
      return { 'webhook-id': id, 'webhook-timestamp': String(t), 'webhook-signature': `v1a,${sig}` };
    }));
  const verifyConfig = parseSigningConfig({ scheme: 'standard-webhooks' }, whsec, 'verify');
  if (!verifyConfig.ok) throw new Error(verifyConfig.error);
  const verifier = new WebhookVerifier(verifyConfig.config, 1e9);
  const headers = hmacSigner.sign({ id, body, timestamp: ts });
  const offered = headers['webhook-signature'];
  ratios.push(compare(`verify v1, ${kib}`,
    // The same id every time: after the first call it is rejected as a replay, which is decided after
    // the full signature check, so each call still does all the work of a verification.
    () => verifier.verify(headers, body, ts),
    () => {
      // what any correct verifier does besides the HMAC: parse the timestamp, check its age, compare in constant time
      const t = Number(headers['webhook-timestamp']);
      if (!Number.isInteger(t) || Math.abs(ts - t) > 1e9) return false;
      const expected = createHmac('sha256', hmacKey).update(`${id}.${ts}.`).update(body).digest('base64');
      const a = Buffer.from(expected);
      const b = Buffer.from(offered.split(' ')[0].slice(3));
      return a.length === b.length && timingSafeEqual(a, b);
    }));
}

const worst = Math.min(...ratios);
console.log(`worst ratio ${worst.toFixed(3)} (target >= 0.9); rates are per CPU-second; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
