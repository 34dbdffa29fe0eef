import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { helper } from './helper';

const templateNode = require('../../nodes/printhooks-template/printhooks-template');
const examplesDir = path.resolve(__dirname, '..', '..', 'examples');
const files = fs.readdirSync(examplesDir).filter((f) => f.startsWith('Template - '));

type FlowNode = Record<string, unknown> & { id: string; type: string };
type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void; status: { args: unknown[][] } };

/** Loads the template nodes of each shipped example (outputs rewired to a helper) and feeds them its injects. */
describe('printhooks-template example flows', () => {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });

  it('ships one example per preset family', () => {
    assert.ok(files.some((f) => /chat/.test(f)) && files.some((f) => /push/.test(f)) && files.some((f) => /home automation/.test(f)) && files.some((f) => /custom/.test(f)));
  });

  for (const file of files) {
    it(`${file}: every template deploys (or names the missing credential) and renders the injected events`, async () => {
      const flow = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as FlowNode[];
      assert.ok(flow.some((n) => n.type === 'comment'));
      const templates = flow.filter((n) => n.type === 'printhooks-template');
      const injects = flow.filter((n) => n.type === 'inject');
      assert.ok(templates.length > 0 && injects.length > 0);
      const loaded = [
        { id: 'tab', type: 'tab' },
        ...templates.map((t) => ({ ...t, z: 'tab', wires: [['out']] })),
        { id: 'out', z: 'tab', type: 'helper' },
      ];
      await helper.load(templateNode, loaded as never);
      const outputs: Record<string, unknown>[] = [];
      (helper.getNode('out') as unknown as TestNode).on('input', (m: never) => outputs.push(m));
      let expected = 0;
      for (const t of templates) {
        const node = helper.getNode(t.id) as unknown as TestNode;
        const status = node.status.args[node.status.args.length - 1][0] as { fill: string; text: string };
        if (status.fill === 'red') {
          assert.match(status.text, /^(token|user)/, `${t.preset}: ${status.text}`);
          continue;
        }
        for (const inject of injects) {
          const payload = JSON.parse(inject.payload as string);
          const unsupported = (t.preset === 'simplyprint' && payload.type === 'print.progress');
          if (!unsupported) expected += 1;
          node.receive({ topic: inject.topic, payload });
        }
      }
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(outputs.length, expected);
      for (const msg of outputs) assert.ok(msg.payload !== undefined && (msg.headers as Record<string, string>)['content-type']);
    });
  }
});
