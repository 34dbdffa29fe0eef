import { FakePrinter } from '../../../fakes/bambu/fake-printer';
import { idleAfterFinish } from '../../../fakes/bambu/reports';

export interface ProbeTarget {
  readonly printer: FakePrinter;
  /** What probeBambu needs to reach the fake printer (its TLS mode is the test's to choose). */
  base(): { host: string; port: number; serial: string; accessCode: string; timeoutMs: number };
}

/** Mocha hooks: a fake P1P that just finished a job, started once for the describe, for the probe specs. */
export function useProbeTarget(timeoutMs: number): ProbeTarget {
  let printer: FakePrinter | undefined;
  const started = (): FakePrinter => {
    if (!printer) throw new Error('the fake printer is not started yet');
    return printer;
  };
  before(async () => {
    printer = await new FakePrinter({ productName: 'Bambu Lab P1P', state: idleAfterFinish() }).start();
  });
  after(() => printer?.stop());
  return {
    get printer() {
      return started();
    },
    base: () => ({ host: '127.0.0.1', port: started().port, serial: started().serial, accessCode: started().accessCode, timeoutMs }),
  };
}
