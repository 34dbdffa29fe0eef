/** The keys scripts/start.js gives the simulator (over IPC, never argv or env). */
export interface SimulatorKeys {
  octoprintApiKey: string;
  moonrakerApiKey: string;
  bambuAccessCode: string;
}

/** What the simulator answers once its printers listen: where they are (all on 127.0.0.1). */
export interface SimulatorReady {
  octoprint: { url: string };
  moonraker: { url: string };
  bambu: { host: string; port: number; cameraPort: number; serial: string; ca: string };
}

/** One line for a log: the message, never a stack. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
