import type { PrinterMessage } from '../../event';
import { withPrefix } from '../printer-message';

/**
 * The terminal lines OctoPrint pushes in `current.logs` that we ask for (connection.ts, SUBSCRIBE_MESSAGE):
 * only M117 sent to the printer. OctoPrint logs them as `Send: M117 text`, or `Send: N12 M117 text*34`
 * with line number and checksum while it streams a job.
 */
export const M117_LOG_FILTER = '^Send: (N\\d+\\s+)?M117';

const M117_LINE = /^Send: (?:N\d+\s+)?M117(?:\s+(.*?))?(?:\*\d+)?$/;

/** An M117 from a terminal log line, or undefined (not an M117, empty, or without the prefix). */
export function m117FromLog(line: unknown, prefix: string | undefined): PrinterMessage | undefined {
  if (typeof line !== 'string' || line.length > 2000) return undefined;
  const match = M117_LINE.exec(line.trim());
  if (!match || match[1] === undefined) return undefined;
  const text = withPrefix(match[1], prefix);
  return text === undefined ? undefined : { text, source: 'M117', level: 'info' };
}

/**
 * Plugin messages that carry text for a person (docs/octoprint.md, "Printer messages"):
 * `action_command_notification` `{message}` and `action_command_prompt` `{action: "show", text}`.
 */
export function pluginMessage(plugin: string, data: Record<string, unknown>, prefix: string | undefined): PrinterMessage | undefined {
  if (plugin === 'action_command_notification' && typeof data.message === 'string') {
    const text = withPrefix(data.message, prefix);
    return text === undefined ? undefined : { text, source: 'action:notification', level: 'info' };
  }
  if (plugin === 'action_command_prompt' && data.action === 'show' && typeof data.text === 'string') {
    const text = withPrefix(data.text, prefix);
    return text === undefined ? undefined : { text, source: 'action:prompt', level: 'warning' };
  }
  return undefined;
}
