/** A self-signed serving certificate for 127.0.0.1/localhost (kubectl sends tokens only over TLS). */
import { generateKeyPairSync } from 'node:crypto';
import * as selfsigned from 'selfsigned';

export interface ServingCert {
  cert: string;
  key: string;
}

export function selfSignedCert(
  hosts: string[] = ['localhost', '127.0.0.1', '::1'],
): ServingCert {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const altNames = hosts.map(h =>
    /^[0-9.]+$/.test(h) || h.includes(':')
      ? { type: 7, ip: h }
      : { type: 2, value: h },
  );
  const options = {
    days: 365,
    algorithm: 'sha256',
    keyPair: { privateKey, publicKey },
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'keyUsage',
        keyCertSign: true,
        digitalSignature: true,
        keyEncipherment: true,
      },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  };
  const pems = selfsigned.generate(
    [{ name: 'commonName', value: 'cluster-sim' }],
    options as Parameters<typeof selfsigned.generate>[1],
  );
  return { cert: pems.cert, key: pems.private };
}
