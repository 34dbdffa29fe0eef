// Spec output plus a stats file, so scripts/test.js can print one closing line for all runs.
'use strict';
const fs = require('fs');
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountingSpec extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.PRINTHOOKS_STATS_FILE;
      if (file) fs.writeFileSync(file, JSON.stringify(runner.stats));
    });
  }
}
module.exports = CountingSpec;
