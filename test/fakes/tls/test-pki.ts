import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway PKI for endpoint TLS tests, made with openssl: a CA, a server and a client certificate it signed, and an unrelated client. */
export interface EndpointPki {
  ca: string;
  /** For 127.0.0.1 and localhost. */
  serverCert: string;
  serverKey: string;
  /** CN = printhooks-client. */
  clientCert: string;
  clientKey: string;
  /** Signed by another CA the server does not trust. */
  strangerCert: string;
  strangerKey: string;
}

let cached: EndpointPki | undefined;

export function endpointPki(): EndpointPki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'printhooks-endpoint-pki-'));
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=PrintHooks Endpoint Test CA']);
    run(['req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=Another CA']);
    writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    const issue = (name: string, cn: string, ca: string, ext?: string): void => {
      run(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
      run(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', ...(ext ? ['-extfile', ext] : [])]);
    };
    issue('server', '127.0.0.1', 'ca', 'san.cnf');
    issue('client', 'printhooks-client', 'ca');
    issue('stranger', 'stranger', 'other-ca');
    const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
    cached = {
      ca: read('ca.pem'),
      serverCert: read('server.pem'),
      serverKey: read('server.key'),
      clientCert: read('client.pem'),
      clientKey: read('client.key'),
      strangerCert: read('stranger.pem'),
      strangerKey: read('stranger.key'),
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
