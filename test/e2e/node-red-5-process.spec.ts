import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { node22 } from './support/node22';
import { ensureBuilt, NodeRedProcess, repoRoot } from './support/node-red-process';
import { loopbackFlow } from './support/loopback-examples';

type FlowNode = { id: string; type: string; z?: string };

/** Gives one example's ids a prefix, with every reference to them (wires, config nodes, z) following. */
function withPrefix(flow: FlowNode[], prefix: string): FlowNode[] {
  const ids = new Set(flow.map((n) => n.id));
  const remap = (value: unknown): unknown => {
    if (typeof value === 'string') return ids.has(value) ? `${prefix}${value}` : value;
    if (Array.isArray(value)) return value.map(remap);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remap(v)]));
    return value;
  };
  return flow.map((n) => remap(n) as FlowNode);
}

/** Every shipped example, as one deployment, the way importing them one after the other would give (addresses on 127.0.0.1). */
function allExamples(): FlowNode[] {
  const dir = path.join(repoRoot, 'examples');
  const nodes: FlowNode[] = [];
  fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().forEach((file, i) => {
    nodes.push(...withPrefix(loopbackFlow(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as FlowNode[]), `x${i}`));
  });
  return nodes;
}

/** The package in a real Node-RED 5 process (Node 22), not only in the test helper. */
describe('Node-RED 5.0 as a process: the package loads and runs every shipped example', function () {
  this.timeout(180_000);
  let red: NodeRedProcess;
  let userDir: string;

  before(() => {
    ensureBuilt();
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-nr5-'));
  });
  after(async () => {
    await red?.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('starts with every example deployed, every node type loaded, and stays up', async () => {
    const flows = allExamples();
    assert.equal(new Set(flows.map((n) => n.id)).size, flows.length);
    red = new NodeRedProcess({ userDir, flows, line: '5', nodeBinary: node22(), label: 'node-red 5', settings: { printhooks: { sender: { outboxDir: path.join(userDir, 'outbox') } } } });
    await red.start(90_000);
    const settings = (await (await fetch(`${red.url}/settings`)).json()) as { version: string };
    assert.match(settings.version, /^5\./);

    const nodes = (await (await fetch(`${red.url}/nodes`, { headers: { Accept: 'application/json' } })).json()) as Array<{ module: string; types: string[]; err?: string }>;
    const ours = nodes.filter((n) => n.module === '@printhooks/node-red-printhooks');
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    assert.deepEqual(ours.flatMap((n) => n.types).sort(), Object.keys(pkg['node-red'].nodes).sort());
    for (const set of ours) assert.equal(set.err, undefined, `${set.types} failed to load on Node-RED 5: ${set.err}`);

    await new Promise((r) => setTimeout(r, 3000));
    const deployed = (await (await fetch(`${red.url}/flows`)).json()) as FlowNode[];
    assert.equal(deployed.length, flows.length);
    assert.doesNotMatch(red.output, /Uncaught|TypeError|ReferenceError/, red.output);
  });
});
