import assert from 'node:assert/strict';
import { normalJobProblem, runNormalJob, sendMalformedFrames } from '../fakes/fuzz/fuzz-run';
import type { FuzzSource } from '../fakes/fuzz/malformed-frames';
import { nodeRedLine } from './helper';
import { loadSource, type LoadedSource } from './support/fuzz-source';

// Issue 13, point 4 (docs/robustness.md): seeded malformed frames through a real socket into a real
// Node-RED. An uncaught exception would fail the run through mocha's handler; afterwards the printer's
// next job must still be reported exactly. `npm run fuzz` runs 100,000 frames per source.
const FRAMES = Number(process.env.PRINTHOOKS_FUZZ_FRAMES ?? 2500);
const SEED = Number(process.env.PRINTHOOKS_FUZZ_SEED ?? 20261202);

for (const source of ['bambu', 'moonraker', 'octoprint'] as FuzzSource[]) {
  describe(`fuzz: ${source} source under ${FRAMES} malformed frames (Node-RED ${nodeRedLine})`, function () {
    this.timeout(60_000);
    let loaded: LoadedSource | undefined;
    afterEach(async () => {
      await loaded?.stop();
      loaded = undefined;
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
    });

    it('keeps running, and reports the next job exactly once', async () => {
      loaded = await loadSource(source);
      const result = await sendMalformedFrames(loaded.target, { seed: SEED, frames: FRAMES, hugeFrames: 1, invalidUtf8Every: 100, afterBreak: () => loaded!.ready() });
      assert.equal(result.sent, FRAMES);
      // Over a websocket a text frame that is not UTF-8 makes the client close; the source must come back.
      if (source !== 'bambu') assert.ok(result.utf8Breaks >= 1, 'at least one text frame that is not UTF-8 went out as it is');
      const before = loaded.events.length;
      await runNormalJob(loaded.target, () => loaded!.ready());
      const events = loaded.events;
      const deadline = Date.now() + 8000;
      while (normalJobProblem(source, events.slice(before)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(normalJobProblem(source, events.slice(before)), undefined);
    });
  });
}
