import { FakeMoonraker } from '../../test/fakes/moonraker/fake-moonraker';
import type { PrinterDriver, SimJob } from '../driver';

const SENSOR = 'filament_switch_sensor runout';

/** Moonraker/Klipper over its JSON-RPC websocket: print_stats edges, virtual_sdcard progress, a runout sensor. */
export class MoonrakerDriver implements PrinterDriver {
  readonly kind = 'moonraker' as const;

  private constructor(readonly fake: FakeMoonraker) {}

  static async start(apiKey: string): Promise<MoonrakerDriver> {
    const fake = new FakeMoonraker({ apiKey });
    fake.objects[SENSOR] = { enabled: true, filament_detected: true };
    await fake.listen();
    // An absolute address: a relative one would mean the web server on port 80 in front of Moonraker.
    fake.webcams = [{ name: 'bed', enabled: true, service: 'mjpegstreamer', snapshot_url: `${fake.url}/webcam/?action=snapshot`, stream_url: `${fake.url}/webcam/?action=stream` }];
    return new MoonrakerDriver(fake);
  }

  get url(): string {
    return this.fake.url;
  }

  hasClient(): boolean {
    return this.fake.clientCount > 0 && this.fake.subscribedObjects() !== undefined;
  }

  start(job: SimJob): void {
    this.fake.update({
      print_stats: { filename: job.file, state: 'printing', message: '', print_duration: 0, total_duration: 0, info: { total_layer: job.layers, current_layer: 0 } },
      virtual_sdcard: { file_path: `/home/pi/printer_data/gcodes/${job.file}`, progress: 0, is_active: true },
      idle_timeout: { state: 'Printing' },
      extruder: { temperature: 215, target: 215 },
      heater_bed: { temperature: 60, target: 60 },
    });
  }

  progress(_job: SimJob, percent: number, layer: number, elapsedS: number): void {
    this.fake.update({
      print_stats: { print_duration: elapsedS, total_duration: elapsedS, info: { current_layer: layer } },
      virtual_sdcard: { progress: percent / 100 },
      display_status: { progress: percent / 100 },
    });
  }

  pause(_job: SimJob, cause: 'user' | 'runout'): void {
    const diff: Record<string, Record<string, unknown>> = { print_stats: { state: 'paused' }, pause_resume: { is_paused: true } };
    if (cause === 'runout') diff[SENSOR] = { filament_detected: false };
    this.fake.update(diff);
  }

  resume(): void {
    this.fake.update({ [SENSOR]: { filament_detected: true }, print_stats: { state: 'printing' }, pause_resume: { is_paused: false } });
  }

  done(): void {
    this.fake.update({ print_stats: { state: 'complete' }, virtual_sdcard: { progress: 1, is_active: false }, idle_timeout: { state: 'Ready' }, extruder: { target: 0 }, heater_bed: { target: 0 } });
  }

  cancel(): void {
    this.fake.update({ print_stats: { state: 'cancelled' }, virtual_sdcard: { is_active: false }, idle_timeout: { state: 'Ready' }, extruder: { target: 0 }, heater_bed: { target: 0 } });
  }

  fail(): void {
    const message = 'Move out of range: 236.000 118.500 4.200 [0.000]';
    this.fake.gcode(`!! ${message}`);
    this.fake.update({ print_stats: { state: 'error', message }, virtual_sdcard: { is_active: false }, extruder: { target: 0 }, heater_bed: { target: 0 } });
  }

  ready(): void {
    // Klipper keeps complete/cancelled/error in print_stats until the next job starts.
    this.fake.update({ extruder: { temperature: 30 }, heater_bed: { temperature: 28 } });
  }

  stop(): Promise<void> {
    return this.fake.close();
  }
}
