import { FakeOctoPrint, fakeJpeg } from '../../test/fakes/octoprint/fake-octoprint';
import type { PrinterDriver, SimJob } from '../driver';

/** OctoPrint 1.11 over HTTP and its push socket: events for the lifecycle, `current` for progress. */
export class OctoPrintDriver implements PrinterDriver {
  readonly kind = 'octoprint' as const;
  private lastLayer = 0;

  private constructor(readonly fake: FakeOctoPrint) {}

  static async start(apiKey: string): Promise<OctoPrintDriver> {
    const fake = await new FakeOctoPrint({ apiKey, user: 'demo' }).start();
    fake.camera = fakeJpeg(256); // the job-end snapshot (docs/octoprint.md)
    return new OctoPrintDriver(fake);
  }

  get url(): string {
    return this.fake.url;
  }

  hasClient(): boolean {
    return this.fake.authedSockets > 0;
  }

  start(job: SimJob): void {
    this.lastLayer = 0;
    this.fake.startJob(job.file);
    this.fake.progress(0);
  }

  progress(job: SimJob, percent: number, layer: number): void {
    this.fake.progress(percent);
    if (layer !== this.lastLayer) {
      this.lastLayer = layer;
      // Layers come from the DisplayLayerProgress plugin (docs/octoprint.md).
      this.fake.event('DisplayLayerProgress_layerChanged', { currentLayer: String(layer), totalLayer: String(job.layers) });
    }
  }

  pause(_job: SimJob, cause: 'user' | 'runout'): void {
    this.fake.state.text = 'Paused';
    this.fake.state.flags = { ...this.fake.state.flags, printing: false, paused: true };
    // A pause without a user is the printer's own (a runout sensor's action:paused).
    this.fake.event('PrintPaused', this.fake.filePayload(cause === 'user' ? { user: this.fake.user } : {}));
    this.fake.push({ current: this.fake.stateMessage() });
  }

  resume(): void {
    this.fake.state.text = 'Printing';
    this.fake.state.flags = { ...this.fake.state.flags, printing: true, paused: false };
    this.fake.event('PrintResumed', this.fake.filePayload({ user: this.fake.user }));
    this.fake.push({ current: this.fake.stateMessage() });
  }

  done(): void {
    this.fake.finishJob();
  }

  cancel(): void {
    this.fake.cancelJob();
  }

  fail(): void {
    const error = 'Thermal Runaway';
    this.fake.event('Error', { error, reason: 'firmware', consequence: 'emergency', faq: 'firmware-thermal-runaway', logs: [] });
    this.fake.failJob(error);
    this.fake.push({ current: this.fake.stateMessage() });
  }

  ready(): void {
    if (this.fake.state.text === 'Operational') return;
    this.fake.setIdle();
    this.fake.state.error = '';
    this.fake.event('Connected', { port: '/dev/ttyACM0', baudrate: 115200 });
    this.fake.event('PrinterStateChanged', { state_id: 'OPERATIONAL', state_string: 'Operational' });
    this.fake.push({ current: this.fake.stateMessage() });
  }

  stop(): Promise<void> {
    return this.fake.stop();
  }
}
