import type { Preset } from './types';

/**
 * The Standard Webhooks envelope: `{type, timestamp, data}` with an ISO 8601 timestamp of when the
 * event happened; `data` is the whole canonical event, so receivers also get its id.
 */
export const standardWebhooks: Preset = {
  name: 'standard-webhooks',
  family: 'canonical',
  fields: [],
  render: ({ event }) => ({
    body: { type: event.type, timestamp: event.time, data: structuredClone(event) },
    contentType: 'json',
  }),
};
