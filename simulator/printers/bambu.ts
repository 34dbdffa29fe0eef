import { FakePrinter } from '../../test/fakes/bambu/fake-printer';
import { delta } from '../../test/fakes/bambu/reports';
import type { PrinterDriver, SimJob } from '../driver';

// print_error values as the printer sends them (MMMM_EEEE as one number), docs/bambu.md.
const CANCELLED = 0x0300400c;
const RUNOUT = 0x03008004;
const HOMING_FAILED = 0x03004009;
const STAGE_RUNOUT = 6;
const STAGE_USER_PAUSE = 16;

/** A Bambu Lab P1S: MQTT over TLS (its own CA, certificate CN = serial), push_status deltas as P1 firmware sends them. */
export class BambuDriver implements PrinterDriver {
  readonly kind = 'bambu' as const;
  private jobNumber = 0;

  private constructor(readonly fake: FakePrinter) {}

  static async start(accessCode: string): Promise<BambuDriver> {
    const fake = await new FakePrinter({ serial: '01P00A391800042', accessCode, productName: 'Bambu Lab P1S' }).start();
    return new BambuDriver(fake);
  }

  hasClient(): boolean {
    return this.fake.pushalls > 0;
  }

  start(job: SimJob): void {
    this.jobNumber += 1;
    this.fake.publish(delta({
      gcode_state: 'RUNNING',
      print_type: 'local',
      subtask_name: job.file.replace(/\.3mf$/, ''),
      gcode_file: `/data/Metadata/${job.file}`,
      gcode_start_time: String(Math.floor(Date.now() / 1000)),
      task_id: '0',
      subtask_id: String(this.jobNumber),
      mc_percent: 0,
      mc_remaining_time: Math.ceil(job.durationS / 60),
      layer_num: 0,
      total_layer_num: job.layers,
      print_error: 0,
      stg_cur: 0,
      bed_temper: 55,
      nozzle_temper: 220,
    }));
  }

  progress(job: SimJob, percent: number, layer: number, elapsedS: number): void {
    const remainingMin = Math.max(0, Math.ceil((job.durationS - elapsedS) / 60));
    this.fake.publish(delta({ mc_percent: percent, layer_num: layer, mc_remaining_time: remainingMin }));
  }

  pause(_job: SimJob, cause: 'user' | 'runout'): void {
    if (cause === 'runout') this.fake.publish(delta({ gcode_state: 'PAUSE', print_error: RUNOUT, stg_cur: STAGE_RUNOUT }));
    else this.fake.publish(delta({ gcode_state: 'PAUSE', stg_cur: STAGE_USER_PAUSE }));
  }

  resume(): void {
    this.fake.publish(delta({ gcode_state: 'RUNNING', print_error: 0, stg_cur: 0 }));
  }

  done(): void {
    this.fake.publish(delta({ gcode_state: 'FINISH', mc_percent: 100, mc_remaining_time: 0 }));
  }

  cancel(): void {
    // The printer echoes the cancel in print_error first and reports FAILED a moment later.
    this.fake.publish(delta({ print_error: CANCELLED }));
    this.fake.publish(delta({ gcode_state: 'FAILED', print_error: CANCELLED }));
  }

  fail(): void {
    this.fake.publish(delta({ gcode_state: 'FAILED', print_error: HOMING_FAILED }));
  }

  ready(): void {
    this.fake.publish(delta({ bed_temper: 30, nozzle_temper: 35 }));
  }

  stop(): Promise<void> {
    return this.fake.stop();
  }
}
