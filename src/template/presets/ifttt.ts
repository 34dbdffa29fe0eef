import { summary } from '../describe';
import type { Preset } from './types';

/**
 * IFTTT Webhooks: only value1..value3 reach an applet. value1 = printer name, value2 = the one-line
 * summary, value3 = the event type. The event name in the default URL is the event type and the key
 * comes from the credentials.
 */
export const ifttt: Preset = {
  name: 'ifttt',
  family: 'home-automation',
  fields: ['token'],
  defaultUrl: 'https://maker.ifttt.com/trigger/{{type}}/with/key/{{$token}}',
  requires: ['token'],
  render: ({ event }) => ({
    body: { value1: event.printer.name, value2: summary(event), value3: event.type },
    contentType: 'json',
  }),
};
