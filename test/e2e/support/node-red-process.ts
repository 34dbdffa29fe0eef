import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface NodeRedProcessOptions {
  /** A temp directory; made loadable for this package on first use. */
  userDir: string;
  flows: object[];
  /** Extra entries for settings.js (plain JSON values). */
  settings?: Record<string, unknown>;
  /** Shown in errors. */
  label?: string;
  /** Which Node-RED line to start: 4.1 (default, runs on Node 20) or 5.0 (on a Node 22 binary). */
  line?: '4' | '5';
  /** The Node.js binary for line 5 (see node22.ts). */
  nodeBinary?: string;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Builds dist/ and the editor lists when missing (npm test builds them first as pretest). */
export function ensureBuilt(): void {
  if (fs.existsSync(path.join(repoRoot, 'dist', 'nodes')) && fs.existsSync(path.join(repoRoot, 'resources', 'printhooks-lists.js'))) return;
  const { execFileSync } = require('child_process') as typeof import('child_process');
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.js')], { stdio: 'inherit' });
}

/** Makes `userDir` load this package: a package.json listing it and a symlink to the repo root. */
export function prepareUserDir(userDir: string): void {
  const scope = path.join(userDir, 'node_modules', '@printhooks');
  fs.mkdirSync(scope, { recursive: true });
  const link = path.join(scope, 'node-red-printhooks');
  if (!fs.existsSync(link)) fs.symlinkSync(repoRoot, link, 'dir');
  const pkg = path.join(userDir, 'package.json');
  if (!fs.existsSync(pkg)) {
    fs.writeFileSync(pkg, JSON.stringify({ name: 'printhooks-e2e-userdir', private: true, dependencies: { '@printhooks/node-red-printhooks': '*' } }, null, 2));
  }
}

/**
 * Node-RED as a child process, for tests that need a real process: kill -9, restart, a burst through
 * the real runtime. 4.1 by default (Node-RED 5's launcher refuses Node 20; give it a Node 22 binary).
 */
export class NodeRedProcess {
  port = 0;
  output = '';
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;

  constructor(readonly options: NodeRedProcessOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts Node-RED and resolves once its flows are started. */
  async start(timeoutMs = 30000): Promise<void> {
    const { userDir, flows, settings } = this.options;
    prepareUserDir(userDir);
    this.port = await freePort();
    const flowsFile = path.join(userDir, 'flows.json');
    fs.writeFileSync(flowsFile, JSON.stringify(flows, null, 2));
    const settingsFile = path.join(userDir, 'settings.js');
    const all = { flowFile: 'flows.json', credentialSecret: false, uiHost: '127.0.0.1', logging: { console: { level: 'info' } }, ...settings };
    fs.writeFileSync(settingsFile, `module.exports = ${JSON.stringify(all, null, 2)};\n`);
    this.output = '';
    const five = this.options.line === '5';
    const child = spawn(
      five ? this.options.nodeBinary ?? process.execPath : process.execPath,
      [require.resolve(five ? 'node-red/red.js' : 'node-red-4/red.js'), '--userDir', userDir, '--port', String(this.port), '--settings', settingsFile, flowsFile],
      { cwd: userDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const onData = (chunk: Buffer): void => {
      this.output += chunk.toString();
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const started = Date.now();
    while (!this.output.includes('Started flows')) {
      if (child.exitCode !== null) throw new Error(`${this.options.label ?? 'node-red'} exited early:\n${this.output}`);
      if (Date.now() - started > timeoutMs) throw new Error(`${this.options.label ?? 'node-red'} did not start:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGKILL: no close handlers, no flush, like a crash. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop (SIGINT), with SIGKILL after `graceMs`. */
  async stop(graceMs = 10000): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
