import { message } from '../describe';
import { truncate } from '../truncate';
import type { Preset } from './types';

/**
 * Telegram Bot API sendMessage: chat_id (the recipient option; numeric ids as numbers, "@channel" as
 * text), plain text of 1-4096 characters (no parse_mode, so nothing in a file name needs escaping),
 * progress and layer news sent silently. The bot token comes from the credentials into the URL.
 */
export const TELEGRAM_LIMITS = { text: 4096 };

export const telegram: Preset = {
  name: 'telegram',
  family: 'push',
  fields: ['recipient', 'token'],
  defaultUrl: 'https://api.telegram.org/bot{{$token}}/sendMessage',
  requires: ['recipient', 'token'],
  render: ({ event, options }) => {
    const recipient = (options.recipient ?? '').trim();
    const chatId = /^-?\d+$/.test(recipient) ? Number(recipient) : recipient;
    const text = truncate(message(event), TELEGRAM_LIMITS.text);
    return {
      body: { chat_id: chatId, text, disable_notification: event.type === 'print.progress' || event.type === 'print.layer' },
      contentType: 'json',
    };
  },
};
