import { probeFailure, type ProbeResult } from '../probe-result';
import { reachable, unreachableWords } from '../probe-wording';
import type { ElegooLink, LinkPhase } from './link';
import type { ElegooReading } from './reading';

/**
 * "Test connection": one short session on a link made for the probe (never started elsewhere), which
 * says what the printer is and what it is doing, or exactly what is wrong, in the wording every printer's
 * test uses (src/sources/probe-wording.ts). Never throws.
 */
export async function probeElegoo(link: ElegooLink, where: string, timeoutMs = 8000): Promise<ProbeResult> {
  const result = await new Promise<ProbeResult>((resolve) => {
    let reading: ElegooReading | undefined;
    const timer = setTimeout(() => resolve(probeFailure('timeout', `No answer from ${where} within ${Math.round(timeoutMs / 1000)} s: check the host, port and model`)), timeoutMs);
    const finish = (r: ProbeResult) => {
      clearTimeout(timer);
      resolve(r);
    };
    const summary = (): ProbeResult => {
      const id = link.identity;
      // the Centauri Carbon 2 checks an access code; the SDCP websocket of the others has none
      return reachable({
        platform: id.machine ? `Elegoo ${id.machine}` : 'Elegoo printer (model not reported)',
        version: id.firmware,
        firmware: true,
        state: reading?.phase,
        model: id.machine,
        auth: link.model === 'cc2' ? 'ok' : 'none',
        notes: id.mainboardId ? [`mainboard ${id.mainboardId}`] : [],
      });
    };
    const onPhase = (phase: LinkPhase) => {
      if (phase.phase === 'busy') {
        finish({ ok: false, state: 'busy', message: `too many clients on the printer at ${where}: the slicer, its web page and the camera each hold one of its 4-5 slots; close one and test again` });
      } else if (phase.phase === 'failed') {
        finish(probeFailure(phase.problem, phase.problem === 'unreachable' ? unreachableWords(phase.message, where) : `${phase.message} (${where})`));
      }
    };
    link.addListener({
      phase: onPhase,
      baseline(r) {
        reading = r;
        // Attributes (model, firmware) may come just after the first status.
        setTimeout(() => finish(summary()), link.identity.machine ? 0 : 300);
      },
      report(r) {
        reading = r;
      },
      down() {},
    });
    link.start();
  });
  await link.stop();
  return result;
}
