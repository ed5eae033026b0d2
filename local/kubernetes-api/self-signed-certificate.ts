import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCertificate {
  /** PEM. */
  cert: string;
  key: string;
}

let cached: SelfSignedCertificate | undefined;

/**
 * A certificate for 127.0.0.1 made with the system's `openssl` (no runtime dependency), once per
 * process. It is its own CA: clients trust it through `ca` (node) or the kubeconfig's
 * `certificate-authority-data` (kubectl), as they trust an EKS cluster's CA.
 */
export function selfSignedCertificate(): SelfSignedCertificate {
  cached ??= generateSelfSignedCertificate();
  return cached;
}

/** A new certificate each call (tests that need a CA the server does not use). */
export function generateSelfSignedCertificate(): SelfSignedCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'kubernetes-api-cert-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=kubernetes-api-stand-in',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,digitalSignature,keyCertSign',
        '-addext',
        'extendedKeyUsage=serverAuth',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
