import type { Preset } from './types';

/** The event exactly as the source emitted it (docs/events.md). */
export const canonical: Preset = {
  name: 'canonical',
  family: 'canonical',
  fields: [],
  render: ({ event }) => ({ body: structuredClone(event), contentType: 'json' }),
};
