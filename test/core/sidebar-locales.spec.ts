import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

// The sidebar's texts come from the plugin's catalog (docs/editor.md "Sidebar"): every key the script asks
// for is there, every key there is asked for, and every __placeholder__ in a text is one the script fills.
const root = path.resolve(__dirname, '..', '..');
const script = fs.readFileSync(path.join(root, 'resources', 'printhooks-sidebar.js'), 'utf8');
const catalog = JSON.parse(fs.readFileSync(path.join(root, 'nodes', 'printhooks-sidebar', 'locales', 'en-US', 'printhooks-sidebar-plugin.json'), 'utf8'));

function flatten(value: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner === 'string') out.set(prefix + key, inner);
    else for (const [k, v] of flatten(inner as Record<string, unknown>, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

describe('sidebar catalog', () => {
  const texts = flatten(catalog);
  const calls = [...script.matchAll(/\bt\('([\w.]+)'(?:,\s*\{([^}]*)\})?\)/g)].map((m) => ({ key: m[1], vars: (m[2] ?? '').split(',').map((p) => p.split(':')[0].trim()).filter(Boolean) }));

  it('has every key the script uses, and no key it does not', () => {
    assert.ok(calls.length > 20, `${calls.length} texts found in the script`);
    assert.deepEqual(calls.filter((c) => !texts.has(c.key)).map((c) => c.key), []);
    const used = new Set(calls.map((c) => c.key));
    assert.deepEqual([...texts.keys()].filter((k) => !used.has(k)), []);
  });

  it('fills every placeholder of a text where it is used', () => {
    for (const { key, vars } of calls) {
      const wanted = [...texts.get(key)!.matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();
      assert.deepEqual([...new Set(vars)].sort(), wanted, key);
    }
  });

  it('the plugin is declared in package.json and its runtime file is where the build puts it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.equal(pkg['node-red'].plugins['printhooks-sidebar'], 'dist/nodes/printhooks-sidebar/printhooks-sidebar-plugin.js');
    assert.ok(fs.existsSync(path.join(root, 'nodes', 'printhooks-sidebar', 'printhooks-sidebar-plugin.ts')));
    assert.match(fs.readFileSync(path.join(root, 'nodes', 'printhooks-sidebar', 'printhooks-sidebar-plugin.html'), 'utf8'), /src="resources\/@printhooks\/node-red-printhooks\/printhooks-sidebar\.js"/);
  });
});
