import assert from 'node:assert/strict';
import { parseFrame } from '../../../../src/sources/octoprint/frames';

describe('octoprint frames', () => {
  it('recognises each push message type', () => {
    assert.deepEqual(parseFrame('{"connected":{"version":"1.11.8"}}'), { kind: 'connected', version: '1.11.8' });
    assert.deepEqual(parseFrame('{"reauthRequired":{"reason":"stale"}}'), { kind: 'reauthRequired', reason: 'stale' });
    assert.equal(parseFrame('{"history":{"state":{}}}').kind, 'history');
    assert.equal(parseFrame(Buffer.from('{"current":{"progress":{}}}')).kind, 'current');
    const ev = parseFrame('{"event":{"type":"PrintDone","payload":{"name":"a.gcode"}}}');
    assert.ok(ev.kind === 'event' && ev.type === 'PrintDone' && ev.payload.name === 'a.gcode');
    const nullPayload = parseFrame('{"event":{"type":"FilamentChange","payload":null}}');
    assert.ok(nullPayload.kind === 'event' && Object.keys(nullPayload.payload).length === 0);
    const pl = parseFrame('{"plugin":{"plugin":"action_command_prompt","data":{"action":"show"}}}');
    assert.ok(pl.kind === 'plugin' && pl.plugin === 'action_command_prompt' && pl.data.action === 'show');
  });

  it('marks known-but-unused and unknown types as ignored, each with its name', () => {
    assert.deepEqual(parseFrame('{"slicingProgress":{}}'), { kind: 'ignored', type: 'slicingProgress' });
    assert.deepEqual(parseFrame('{"brandNew":1}'), { kind: 'ignored', type: 'unknown:brandNew' });
  });

  it('reports malformed frames instead of throwing', () => {
    for (const text of ['not json', '[1,2]', 'null', '{}', '{"a":1,"b":2}', '{"event":{"payload":{}}}', '{"plugin":{}}', '{"current":5}']) {
      assert.equal(parseFrame(text).kind, 'malformed', text);
    }
  });
});
