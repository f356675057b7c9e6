import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** A certificate authority's PEM certificate and private key. */
export interface CertificateAuthority {
  cert: string;
  key: string;
}

const DAY = 24 * 60 * 60 * 1000;

/** Generates a throw-away local CA, valid for 30 days, that can sign only end-entity certificates. */
export const createLocalCA = async (): Promise<CertificateAuthority> => {
  const notBeforeDate = new Date(Date.now() - DAY);
  // A unique subject per CA: with several emulator CAs trusted at once (old ones left in a bundle),
  // an identical subject would make verification pick the wrong issuer.
  const commonName = `hono-appwrite emulator local CA ${randomBytes(6).toString('hex')}`;
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 31 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
};

/** Issues a server certificate for `localhost`, `127.0.0.1` and `::1`, signed by `ca`. */
export const issueServerCertificate = async (
  ca: CertificateAuthority,
): Promise<{ cert: string; key: string }> => {
  const notBeforeDate = new Date(Date.now() - DAY);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 31 * DAY),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
};

/** Writes the CA certificate (never its key) to a fresh temporary folder and returns the file's path. */
export const writeCaCertificate = async (ca: CertificateAuthority): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'appwrite-emulator-ca-'));
  const path = join(dir, 'ca.pem');
  // A trailing newline keeps `cat ca.pem other.pem > bundle.pem` parseable.
  await writeFile(path, ca.cert.endsWith('\n') ? ca.cert : `${ca.cert}\n`, { mode: 0o644 });
  return path;
};
