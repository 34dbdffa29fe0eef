import { strict as assert } from 'node:assert';
import { helper } from './helper';

const templateNode = require('../../nodes/printhooks-template/printhooks-template');

/** The editor preview shows a JSONata mistake as one line a person reads, never a stack or a file path. */
describe('printhooks-template preview: JSONata errors', () => {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });

  async function preview(body: string): Promise<{ ok: boolean; error: string }> {
    await helper.load(templateNode, [{ id: 'tab', type: 'tab' }, { id: 't1', z: 'tab', type: 'printhooks-template', version: 1, body: '{}', wires: [[]] }] as never);
    const res = await helper.request().post('/printhooks-template/preview').send({ preset: 'custom', mode: 'jsonata', body, contentType: 'json', eventType: 'print.done' }).expect(200);
    return res.body;
  }

  for (const [what, body, says] of [
    ['a syntax error', 'payload.(', /^JSONata: .+ \(at character \d+\)$/],
    ['an unknown function', '$notAFunction(payload.type)', /^JSONata: .+notAFunction.*\(at character \d+\)$/],
    ['a type error', '$sum("a")', /^JSONata: /],
  ] as const) {
    it(`${what}: one line with the cause and where, no stack or path`, async () => {
      const res = await preview(body);
      assert.equal(res.ok, false);
      assert.match(res.error, says);
      assert.doesNotMatch(res.error, /\n|\bat .+:\d+:\d+|node_modules|\/[\w.-]+\/[\w.-]+|"stack"|\{"/, res.error);
    });
  }
});

describe('printhooks-template at deploy: a JSONata syntax error', () => {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });

  it('shows the cause and where in the status, without a stack', async () => {
    await helper.load(templateNode, [{ id: 'tab', type: 'tab' }, { id: 't1', z: 'tab', type: 'printhooks-template', version: 1, mode: 'jsonata', body: '{ "a": payload.', wires: [[]] }] as never);
    const t1 = helper.getNode('t1') as unknown as { status: { lastCall: { args: [{ fill: string; text: string }] } } };
    const { fill, text } = t1.status.lastCall.args[0];
    assert.equal(fill, 'red');
    assert.match(text, /^body: JSONata syntax error: /);
    assert.doesNotMatch(text, /"stack"|\{"|node_modules|\bat \//, text);
  });
});
