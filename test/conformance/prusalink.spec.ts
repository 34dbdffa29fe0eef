// Conformance of the PrusaLink parsing against the answer shapes the protocol fact sheet documents (from
// Prusa's firmware and daemon sources). There are no PrusaLink captures beside the repo, so the shapes are
// read at run time from ../shared/reference/protocols-2.md, section 1.4; nothing from there is copied here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { mergeDetails, parseJob, parseStatus } from '../../src/sources/prusalink/merge';
import { observationFrom } from '../../src/sources/prusalink/job-state';

const repoRoot = path.resolve(__dirname, '..', '..');
const sheet = path.join(process.env.PRINTHOOKS_SHARED_REFERENCE ?? path.resolve(repoRoot, '..', 'shared', 'reference'), 'protocols-2.md');

/** The JSON blocks of the fact sheet's PrusaLink "Messages (shapes)" section, in order. */
function documentedShapes(): Record<string, unknown>[] {
  const text = fs.readFileSync(sheet, 'utf8');
  const start = text.indexOf('### 1.4');
  const end = text.indexOf('### 1.5', start);
  assert.ok(start >= 0 && end > start, 'the fact sheet has its PrusaLink shapes section');
  return [...text.slice(start, end).matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as Record<string, unknown>);
}

describe('conformance: PrusaLink answers as the fact sheet documents them', () => {
  const [status, job] = documentedShapes();

  it('finds the documented /api/v1/status and /api/v1/job shapes', () => {
    assert.ok(status && typeof status.printer === 'object', '/api/v1/status shape');
    assert.ok(job && typeof job.file === 'object', '/api/v1/job shape');
  });

  it('reads a printing status: state, job id, progress, times and bed temperature', () => {
    const view = parseStatus(status);
    const printer = status.printer as Record<string, number | string>;
    const statusJob = status.job as Record<string, number>;
    assert.equal(view.state, String(printer.state).toUpperCase());
    assert.equal(view.bedTemp, printer.temp_bed);
    assert.equal(view.job?.id, statusJob.id);
    assert.equal(view.job?.progress, statusJob.progress);
    assert.equal(view.job?.remaining_s, statusJob.time_remaining);
    assert.equal(view.job?.elapsed_s, statusJob.time_printing);
  });

  it('takes the file from /api/v1/job by its display name (the firmware name is an 8.3 short name)', () => {
    const details = parseJob(job);
    const file = job.file as Record<string, string>;
    assert.equal(details?.id, job.id);
    assert.equal(details?.file, file.display_name);
    assert.notEqual(details?.file, file.name);
    const view = mergeDetails(parseStatus(status), details);
    assert.equal(view.job?.file, file.display_name);
  });

  it('turns the documented printing status into a printing observation of that job', () => {
    const obs = observationFrom(mergeDetails(parseStatus(status), parseJob(job)), true);
    assert.equal(obs.state, 'printing');
    assert.equal(obs.jobKey, String((status.job as Record<string, number>).id));
    assert.equal(obs.file, (job.file as Record<string, string>).display_name);
    assert.deepEqual(obs.errors, []);
  });
});
