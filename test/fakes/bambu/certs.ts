import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  /** The test CA certificate (PEM). */
  ca: string;
  /** A printer certificate issued by the CA, CN = serial. */
  cert: string;
  key: string;
  /** A second certificate for the same serial with its own key (a "changed" printer certificate). */
  otherCert: string;
  otherKey: string;
}

const cache = new Map<string, TestPki>();

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A throwaway CA and two printer certificates whose CN is the serial, made with openssl in a temp dir. */
export function testPki(serial: string): TestPki {
  const known = cache.get(serial);
  if (known) return known;
  const dir = mkdtempSync(join(tmpdir(), 'printhooks-bambu-pki-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=PrintHooks Test CA']);
    for (const name of ['printer', 'other']) {
      openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${serial}`]);
      openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2']);
    }
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    const pki = { ca: read('ca.pem'), cert: read('printer.pem'), key: read('printer.key'), otherCert: read('other.pem'), otherKey: read('other.key') };
    cache.set(serial, pki);
    return pki;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
