// Secret references benchmark: what resolving references costs the sender per attempt, and what
// issuing them costs the template per msg. Baselines measured in the same run: for the sender, the
// per-attempt header copy it always made (the least work an attempt does); for the template, the same
// preset rendered with the real credentials in the msg (the secretsInMsg option, i.e. the old path).
import { requestFromMsg } from '../src/delivery/request-from-msg';
import { resolveRequestSecrets } from '../src/delivery/request-secrets';
import { buildEvent } from '../src/event';
import { registerSecretOwner, secretRef } from '../src/secrets/secret-refs';
import { parseTemplateConfig, renderTemplate } from '../src/template';

const DURATION_MS = Number(process.env.BENCH_MS ?? 1500);
const TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

const event = buildEvent({
  type: 'print.done',
  time: '2026-11-23T18:00:00.000Z',
  printer: { id: 'p1', name: 'Ender 3', kind: 'octoprint' },
  job: { id: 'j1', file: 'benchy.gcode', progress: 100, elapsed_s: 7980, layer: 140, layers: 140 },
});

async function rate(label: string, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2000; i += 1) await fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(DURATION_MS) * 1_000_000n;
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 200; i += 1) await fn();
    n += 200;
  }
  const perSecond = n / (Number(process.hrtime.bigint() - start) / 1e9);
  console.log(`${label.padEnd(44)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} ops/s`);
  return perSecond;
}

async function main(): Promise<void> {
  registerSecretOwner('tpl', (name) => (name === 'token' ? TOKEN : name === 'user' ? USER : undefined));
  const credentials = { token: TOKEN, user: USER };
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-title': 'Ender 3' };
  const plainBody = `title=Print+finished&message=${'x'.repeat(900)}`;
  const plain = requestFromMsg({ payload: plainBody, headers, event: { id: 'evt_1' } }, { allowOverride: true });
  const withRefs = requestFromMsg(
    { payload: `token=${secretRef('tpl', 'token', TOKEN)}&user=${secretRef('tpl', 'user', USER)}&${plainBody}`, headers, url: `https://api.example.test/bot${secretRef('tpl', 'token', TOKEN)}/send`, event: { id: 'evt_2' } },
    { allowOverride: true },
  );

  console.log('sender, per attempt (1 KB form body):');
  const copy = await rate('baseline (header copy)', () => ({ ...plain.headers }));
  const none = await rate('resolve, no references', () => resolveRequestSecrets(plain));
  const three = await rate('resolve, 3 references (body x2, URL)', () => resolveRequestSecrets(withRefs));
  console.log(`ratio no-references / baseline: ${(none / copy).toFixed(2)}`);
  console.log(`ratio 3 references / baseline:  ${(three / copy).toFixed(2)}`);

  console.log('template, per msg (pushover preset):');
  const real = parseTemplateConfig({ preset: 'pushover', secretsInMsg: true }, credentials);
  const refs = parseTemplateConfig({ preset: 'pushover' }, credentials);
  const msg = { payload: event };
  const old = await rate('baseline (real secrets in msg)', () => renderTemplate(real, msg, { credentials, secretOwner: 'tpl' }));
  const ref = await rate('secret references', () => renderTemplate(refs, msg, { credentials, secretOwner: 'tpl' }));
  console.log(`ratio references / baseline:    ${(ref / old).toFixed(2)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
