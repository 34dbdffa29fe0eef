import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

// Import ▸ Examples hygiene: each file is a flow, and importing one example after another never
// clashes on ids (Node-RED would offer to replace or copy the nodes already in the workspace).
const root = path.resolve(__dirname, '..', '..');
const examplesDir = path.join(root, 'examples');
const files = (fs.readdirSync(examplesDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.json')).sort();

interface FlowNode {
  id: string;
  type: string;
}

function readExample(file: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as FlowNode[];
}

/** Node types the package registers, read from package.json; config ones are known by their editor definition. */
function packageTypes(): { type: string; config: boolean }[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return Object.keys(pkg['node-red'].nodes as Record<string, string>).map((type) => {
    const html = fs.readFileSync(path.join(root, 'nodes', type, `${type}.html`), 'utf8');
    return { type, config: /category:\s*'config'/.test(html) };
  });
}

describe('shipped examples', () => {
  it('there are examples', () => {
    assert.ok(files.length >= 5, `${files.length} example files`);
  });

  it('every file parses to a flow array of nodes with an id and a type', () => {
    for (const file of files) {
      const flow = readExample(file);
      assert.ok(Array.isArray(flow), `${file} is not a flow array`);
      for (const node of flow) {
        assert.equal(typeof node.id, 'string', `${file}: a node without an id`);
        assert.equal(typeof node.type, 'string', `${file}: ${node.id} has no type`);
      }
    }
  });

  it('every node id is unique across all example files', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const file of files) {
      for (const { id } of readExample(file)) {
        const first = owner.get(id);
        if (first !== undefined) clashes.push(`${id} in "${first}" and "${file}"`);
        else owner.set(id, file);
      }
    }
    assert.deepEqual(clashes, []);
  });

  it('every non-config node type of the package is used by an example', () => {
    const used = new Set(files.flatMap((file) => readExample(file).map((n) => n.type)));
    const unused = packageTypes().filter((t) => !t.config && !used.has(t.type)).map((t) => t.type);
    assert.deepEqual(unused, []);
  });
});
