import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

// Each node's editor text lives in its message catalog and help file; these checks read
// the files only, the real editor rendering them is test/e2e/locales.spec.ts.
const nodesDir = path.resolve(__dirname, '..', '..', 'nodes');
const sharedEditorScript = path.resolve(__dirname, '..', '..', 'resources', 'printhooks-editor.js');
const types = fs.readdirSync(nodesDir).filter((t) => fs.existsSync(path.join(nodesDir, t, `${t}.html`)));

/** Units and protocol words that stay literal in a dialog: they read the same in every language. */
const LITERAL_TEXT = new Set(['°C', '%', 's']);

function editorHtml(type: string): string {
  return fs.readFileSync(path.join(nodesDir, type, `${type}.html`), 'utf8');
}

interface RowExpander {
  expandTemplate(type: string, text: string, isConfig: boolean, has: (key: string) => boolean): string;
}

let expander: RowExpander | undefined;

/** The shared editor script, run once outside a browser: its row expansion is plain string work. */
function rowExpander(): RowExpander {
  if (expander) return expander;
  const window: { PrintHooksEditor?: RowExpander } = {};
  vm.runInNewContext(fs.readFileSync(sharedEditorScript, 'utf8'), { window });
  assert.ok(window.PrintHooksEditor, 'the shared editor script defines window.PrintHooksEditor');
  expander = window.PrintHooksEditor;
  return expander;
}

/** A dialog template as the editor shows it: its data-ph-rows expanded the way the shared script does. */
function templateBlock(type: string): string {
  const html = editorHtml(type);
  const block = new RegExp(`<script type="text/html" data-template-name="${type}">([\\s\\S]*?)</script>`).exec(html);
  assert.ok(block, `${type}.html has no data-template-name block`);
  const messages = catalog(type);
  const isConfig = new RegExp(`registerType\\('${type}', \\{ category: 'config'`).test(html);
  return rowExpander().expandTemplate(type, block[1], isConfig, (key) => typeof lookup(messages, key) === 'string');
}

function catalog(type: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(nodesDir, type, 'locales', 'en-US', `${type}.json`), 'utf8'));
}

/** The keys of one data-i18n attribute: "a;[placeholder]b" gives a and b. */
/** Keys the shared editor script looks up as `this._(type + '.key')` for the types it registers. */
function sharedScriptKeys(type: string): string[] {
  if (!fs.existsSync(sharedEditorScript) || !editorHtml(type).includes('PrintHooksEditor.')) return [];
  const script = fs.readFileSync(sharedEditorScript, 'utf8');
  return [...script.matchAll(/_\(\s*(?:type|prefix) \+ '\.([^']+)'/g)].map((m) => `${type}.${m[1]}`);
}

function keysOf(attribute: string): string[] {
  return attribute.split(';').map((k) => k.replace(/^\[[^\]]*\]/, '').trim()).filter(Boolean);
}

function lookup(messages: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined), messages);
}

function leafKeys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

describe('editor locales', () => {
  it('finds every node type of package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
    assert.deepEqual([...types].sort(), Object.keys(pkg['node-red'].nodes).sort());
  });

  for (const type of types) {
    describe(type, () => {
      it('has en-US messages and help beside the editor file', () => {
        const dir = path.join(nodesDir, type, 'locales', 'en-US');
        assert.ok(fs.existsSync(path.join(dir, `${type}.json`)), `${type}.json missing`);
        assert.ok(fs.existsSync(path.join(dir, `${type}.html`)), `${type}.html help missing`);
        assert.ok(catalog(type)[type], `the catalog keeps its messages under "${type}"`);
      });

      it('every data-i18n key in the dialog exists as a string', () => {
        const messages = catalog(type);
        const keys = [...templateBlock(type).matchAll(/data-i18n="([^"]*)"/g)].flatMap((m) => keysOf(m[1]));
        assert.ok(keys.length > 0, 'the dialog uses data-i18n');
        for (const key of keys) {
          assert.ok(key.startsWith(`${type}.`), `${key}: keys start with the node type`);
          assert.equal(typeof lookup(messages, key), 'string', `${key} is not in ${type}.json`);
        }
      });

      it('every message in the catalog is used by the dialog or the editor script', () => {
        const html = editorHtml(type);
        const used = new Set([
          ...[...templateBlock(type).matchAll(/data-i18n="([^"]*)"/g)].flatMap((m) => keysOf(m[1])),
          ...[...html.matchAll(/\b_\(\s*'([^']+)'/g)].map((m) => m[1]),
          ...sharedScriptKeys(type),
        ]);
        // `_('type.event.' + key)` uses every message under type.event
        const prefixes = [...html.matchAll(/\b_\(\s*'([^']+\.)'\s*\+/g)].map((m) => m[1]);
        if (html.includes('PrintHooksEditor.')) {
          const script = fs.readFileSync(sharedEditorScript, 'utf8');
          prefixes.push(...[...script.matchAll(/_\(\s*(?:type|prefix) \+ '\.([^']+\.)'\s*\+/g)].map((m) => `${type}.${m[1]}`));
        }
        for (const key of leafKeys(catalog(type))) {
          assert.ok(used.has(key) || prefixes.some((p) => key.startsWith(p)), `${key} in ${type}.json is never used`);
        }
      });

      it('the dialog has no literal English text left', () => {
        const text = templateBlock(type)
          .replace(/<option[^>]*>[^<]*<\/option>/g, ' ') // values such as POST, hex, print.done
          .replace(/<[^>]+>/g, ' ')
          .replace(/&nbsp;/g, ' ');
        const words = text.split(/\s+/).filter((w) => w && !LITERAL_TEXT.has(w));
        assert.deepEqual(words, []);
      });

      it('the help lives only in the locale file, for this type', () => {
        assert.ok(!/data-help-name=/.test(editorHtml(type)), 'the editor .html still carries help');
        const help = fs.readFileSync(path.join(nodesDir, type, 'locales', 'en-US', `${type}.html`), 'utf8');
        const block = /^<script type="text\/html" data-help-name="([^"]+)">([\s\S]*)<\/script>\s*$/.exec(help);
        assert.ok(block, 'the help file is one data-help-name script');
        assert.equal(block[1], type);
        assert.ok(block[2].replace(/<[^>]+>/g, '').trim().length > 100, 'the help says something');
      });
    });
  }
});
