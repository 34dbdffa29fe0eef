// The printer simulator behind `npm start` (docs/demo.md): a simulated OctoPrint, Moonraker and Bambu Lab
// printer on 127.0.0.1, each speaking its real protocol (the fakes of test/fakes) and looping scripted jobs.
//
// Started by scripts/start.js with an IPC channel: it waits for the printers' keys on that channel, answers
// with the addresses, and exits when the channel closes (its parent is gone). Run on its own
// (`npx tsx simulator/main.ts`) it makes up keys and prints what to type into the config nodes.
import { randomBytes } from 'node:crypto';
import { BambuDriver } from './printers/bambu';
import { MoonrakerDriver } from './printers/moonraker';
import { OctoPrintDriver } from './printers/octoprint';
import { DEMO_PACE, loopJobs } from './jobs';
import type { PrinterDriver } from './driver';
import type { SimulatorKeys, SimulatorReady } from './protocol';
import { errorText } from './protocol';

const verbose = process.argv.includes('--verbose') || !process.send;
const controller = new AbortController();
let drivers: PrinterDriver[] = [];

function log(line: string): void {
  if (verbose) console.log(`simulator: ${line}`);
}

async function startPrinters(keys: SimulatorKeys): Promise<SimulatorReady> {
  const octoprint = await OctoPrintDriver.start(keys.octoprintApiKey);
  const moonraker = await MoonrakerDriver.start(keys.moonrakerApiKey);
  const bambu = await BambuDriver.start(keys.bambuAccessCode);
  drivers = [octoprint, moonraker, bambu];
  for (const driver of drivers) {
    void loopJobs(driver, DEMO_PACE, controller.signal, {
      onJob: (job) => log(`${driver.kind} prints ${job.file} (ends: ${job.outcome})`),
      onError: (err) => console.error(`simulator: ${driver.kind}: ${errorText(err)}`),
    });
  }
  return {
    octoprint: { url: octoprint.url },
    moonraker: { url: moonraker.url },
    bambu: { host: '127.0.0.1', port: bambu.fake.port, cameraPort: bambu.fake.cameraPort, serial: bambu.fake.serial, ca: bambu.fake.pki.ca },
  };
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  controller.abort();
  await Promise.allSettled(drivers.map((d) => d.stop()));
  process.exit(0);
}

function madeUpKeys(): SimulatorKeys {
  const key = () => randomBytes(16).toString('hex');
  return { octoprintApiKey: key(), moonrakerApiKey: key(), bambuAccessCode: randomBytes(4).toString('hex') };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
// A demo keeps printing: a fault in one frame is reported, not fatal.
process.on('uncaughtException', (err) => console.error(`simulator: ${errorText(err)}`));
process.on('unhandledRejection', (err) => console.error(`simulator: ${errorText(err)}`));

if (process.send) {
  process.on('disconnect', () => void stop());
  process.once('message', (message: unknown) => {
    const keys = message as Partial<SimulatorKeys> | null;
    if (!keys || typeof keys.octoprintApiKey !== 'string' || typeof keys.moonrakerApiKey !== 'string' || typeof keys.bambuAccessCode !== 'string') {
      console.error('simulator: expected the printers\' keys as the first message');
      process.exit(2);
    }
    startPrinters(keys as SimulatorKeys).then(
      (ready) => process.send?.(ready),
      (err) => {
        console.error(`simulator: could not start the printers: ${errorText(err)}`);
        process.exit(1);
      },
    );
  });
} else {
  const keys = madeUpKeys();
  startPrinters(keys).then((ready) => {
    console.log(`OctoPrint  ${ready.octoprint.url}  API key ${keys.octoprintApiKey}`);
    console.log(`Moonraker  ${ready.moonraker.url}  API key ${keys.moonrakerApiKey}`);
    console.log(`Bambu Lab  ${ready.bambu.host}:${ready.bambu.port}  serial ${ready.bambu.serial}  access code ${keys.bambuAccessCode}  (TLS: CA below)`);
    console.log(ready.bambu.ca.trim());
    console.log('Ctrl-C stops the simulator.');
  }, (err) => {
    console.error(`simulator: could not start the printers: ${errorText(err)}`);
    process.exit(1);
  });
}
