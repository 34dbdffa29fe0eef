import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { normalizeFingerprint } from './fingerprint';

/**
 * Trust-on-first-use pins: the SHA-256 fingerprint of each printer's certificate, keyed by serial, in one
 * small JSON file under the Node-RED user directory (a fingerprint is not a secret).
 */
export class PinStore {
  constructor(private readonly file: string) {}

  get(serial: string): string | undefined {
    return normalizeFingerprint(this.read()[serial]);
  }

  set(serial: string, fingerprint: string): void {
    const pins = this.read();
    pins[serial] = fingerprint;
    this.write(pins);
  }

  clear(serial: string): void {
    const pins = this.read();
    if (!(serial in pins)) return;
    delete pins[serial];
    this.write(pins);
  }

  private read(): Record<string, string> {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  private write(pins: Record<string, string>): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(pins, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
