import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const entries = Object.entries(pkg['node-red'].nodes as Record<string, string>);

function editorDefinition(type: string): string {
  const html = fs.readFileSync(path.join(root, 'dist', 'nodes', type, `${type}.html`), 'utf8');
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const def = scripts.find((s) => s.includes(`RED.nodes.registerType('${type}'`));
  assert.ok(def, `${type}.html has no literal RED.nodes.registerType('${type}', {...}) the scorecard can read`);
  return def;
}

/** The Flow Library scorecard checks that can be decided offline, on the built package. */
describe('package layout and scorecard', () => {
  it('P01/P03/P04/P05: license, repository or bugs, scoped name, node-red keyword', () => {
    assert.equal(pkg.license, 'Apache-2.0');
    assert.ok(pkg.repository || pkg.bugs);
    assert.match(pkg.name, /^@[a-z\d][\w-.]+\/[a-z\d][\w-.]*$/);
    assert.ok(pkg.keywords.includes('node-red'));
    assert.equal(pkg.engines.node, '>=18');
    assert.ok(fs.existsSync(path.join(root, 'LICENSE')));
  });

  it('D01: at most 6 runtime dependencies, none native', () => {
    assert.ok(Object.keys(pkg.dependencies).length <= 6, `${Object.keys(pkg.dependencies).length} dependencies`);
    for (const dep of Object.keys(pkg.dependencies)) {
      const depPkg = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', dep, 'package.json'), 'utf8'));
      assert.ok(!depPkg.gypfile && !(depPkg.scripts && depPkg.scripts.install), `${dep} looks native`);
    }
  });

  it('three runtime dependencies; pg-boss (PostgreSQL store) only as an optional peer dependency', () => {
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['axios', 'mqtt', 'ws']);
    assert.ok(pkg.peerDependencies['pg-boss'], 'pg-boss is a peer dependency');
    assert.equal(pkg.peerDependenciesMeta['pg-boss'].optional, true, 'and an optional one: npm does not install it by itself');
  });

  it('every node-red entry is built with its editor file and icons beside it', () => {
    assert.ok(entries.length > 0);
    for (const [type, file] of entries) {
      assert.equal(file, `dist/nodes/${type}/${type}.js`);
      assert.ok(fs.existsSync(path.join(root, file)), `${file} missing: run npm run build`);
      const def = editorDefinition(type);
      const icon = /icon:\s*'([^']+)'/.exec(def)?.[1];
      if (icon && !icon.startsWith('font-awesome/') && !icon.includes('/')) {
        assert.ok(fs.existsSync(path.join(root, 'dist', 'nodes', type, 'icons', icon)), `${type}: icon ${icon} not beside the node`);
        assert.match(icon, /\.svg$/, `${type}: palette icons are SVG`);
      }
      assert.match(def, /category:\s*'(printhooks|config)'/, `${type}: category must be printhooks (or config)`);
      assert.match(def, /version:\s*\{\s*value:\s*\d+/, `${type}: defaults must carry a config version`);
    }
  });

  it('every published file pattern exists, and the module entries are inside them', () => {
    for (const f of pkg.files as string[]) assert.ok(fs.existsSync(path.join(root, f)), `files: ${f} missing`);
  });

  it('N02: every non-config node type is used in at least one example flow', () => {
    const used = new Set<string>();
    for (const file of fs.readdirSync(path.join(root, 'examples'), { recursive: true }) as string[]) {
      if (!file.endsWith('.json')) continue;
      const flow = JSON.parse(fs.readFileSync(path.join(root, 'examples', file), 'utf8'));
      assert.ok(Array.isArray(flow), `${file} must be a flow array`);
      assert.ok(flow.some((n: { type: string }) => n.type === 'comment'), `${file} should explain itself with a comment node`);
      for (const n of flow) used.add(n.type);
    }
    for (const [type] of entries) {
      if (/category:\s*'config'/.test(editorDefinition(type))) continue;
      assert.ok(used.has(type), `no example uses ${type}`);
    }
  });
});
