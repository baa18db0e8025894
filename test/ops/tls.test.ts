// HTTPS and HTTP/2 from service.tls.cert/key and service.http2, with a throwaway self-signed
// certificate made by openssl (skipped where openssl is missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { request } from 'node:https';
import { join } from 'node:path';
import { startServer } from '../../src/server/serve.js';
import { isQuiverError } from '../../src/errors.js';
import { tempDir, testConfig } from './helpers.js';

function selfSigned(): { cert: string; key: string } | undefined {
  const dir = tempDir('quiver-tls-');
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    return { cert, key };
  } catch {
    return undefined;
  }
}

test('HTTPS with HTTP/2 negotiated and HTTP/1.1 still accepted', async (t) => {
  const pem = selfSigned();
  if (pem === undefined) return t.skip('openssl is not installed');
  const s = await startServer(
    testConfig({
      'service.tls.cert': pem.cert,
      'service.tls.key': pem.key,
      'service.http2': 'true',
    }),
  );
  try {
    assert.match(s.url, /^https:\/\//);
    const ca = readFileSync(pem.cert);
    const h2 = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const session = connect(s.url, { ca, servername: 'localhost' });
      session.on('error', reject);
      const req = session.request({ ':path': '/readyz', 'x-request-id': 'h2-1' });
      let body = '';
      let status = 0;
      req.on('response', (h) => {
        status = Number(h[':status']);
        assert.equal(h['x-request-id'], 'h2-1');
      });
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        session.close();
        resolve({ status, body });
      });
      req.end();
    });
    assert.deepEqual(h2, { status: 200, body: 'all collections are ready' });
    const h1 = await new Promise<{ status: number; hsts: unknown }>((resolve, reject) => {
      request(`${s.url}/healthz`, { ca, servername: 'localhost', agent: false }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'] }),
        );
      })
        .on('error', reject)
        .end();
    });
    assert.equal(h1.status, 200);
    assert.ok(h1.hsts, 'HSTS header expected over HTTPS');
  } finally {
    await s.close();
  }
});

test('a missing certificate file stops the start naming the setting', async () => {
  await assert.rejects(
    startServer(
      testConfig({
        'service.tls.cert': '/nonexistent/cert.pem',
        'service.tls.key': '/nonexistent/key.pem',
      }),
    ),
    (err) =>
      isQuiverError(err, 'INVALID_CONFIG') &&
      /service\.tls\.cert file \/nonexistent\/cert\.pem/.test(err.message),
  );
  await assert.rejects(
    startServer(testConfig({ 'service.tls.cert': '/x.pem' })),
    (err) => isQuiverError(err, 'INVALID_CONFIG') && /go together/.test(err.message),
  );
});
