// Template benchmark (docs/template.md, "Benchmark"): renders per second of the standard-webhooks and discord presets and of
// a custom placeholder template, each through the full renderTemplate path (config compiled once, as
// the node does at deploy). Baseline measured in the same run: a hand-written function building the
// same Standard Webhooks envelope with structuredClone, i.e. the least work any renderer must do.
import { buildEvent } from '../src/event';
import { parseTemplateConfig, renderTemplate, type RawTemplateConfig } from '../src/template';

const DURATION_MS = Number(process.env.BENCH_MS ?? 1500);

const event = buildEvent({
  type: 'print.progress',
  time: '2026-11-23T18:00:00.000Z',
  printer: { id: 'p1', name: 'Ender 3', kind: 'octoprint' },
  job: { id: 'j1', file: 'benchy.gcode', progress: 42, elapsed_s: 3351, remaining_s: 4629, layer: 59, layers: 140, started_at: '2026-11-23T17:04:09.000Z' },
  discriminator: 42,
});

async function rate(label: string, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2000; i += 1) await fn(); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(DURATION_MS) * 1_000_000n;
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 200; i += 1) await fn();
    n += 200;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = n / seconds;
  console.log(`${label.padEnd(34)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} renders/s`);
  return perSecond;
}

function renderer(raw: RawTemplateConfig): () => Promise<unknown> {
  const config = parseTemplateConfig(raw);
  return () => renderTemplate(config, { payload: event, topic: event.type }, { credentials: {} });
}

async function main(): Promise<void> {
  const baseline = await rate('baseline (hand-written envelope)', async () => ({ type: event.type, timestamp: event.time, data: structuredClone(event) }));
  const sw = await rate('preset standard-webhooks', renderer({ preset: 'standard-webhooks' }));
  const discord = await rate('preset discord', renderer({ preset: 'discord' }));
  const custom = await rate('custom placeholders (8 values)', renderer({
    body: JSON.stringify({ event: '{{type}}', id: '{{id}}', printer: '{{printer.name}}', file: '{{job.file}}', progress: '{{job.progress}}', text: '{{printer.name}}: {{job.file}} at {{job.progress}}% (layer {{job.layer}})', job: '{{job}}' }),
    url: 'https://example.test/hook/{{type}}?printer={{printer.name}}',
  }));
  console.log(`ratio standard-webhooks / baseline: ${(sw / baseline).toFixed(2)}`);
  console.log(`ratio discord / baseline:           ${(discord / baseline).toFixed(2)}`);
  console.log(`ratio custom / baseline:            ${(custom / baseline).toFixed(2)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
