import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import { loadSecretKey } from '../../src/platform/secrets.ts';

describe('configuration', () => {
  test('defaults', () => {
    const config = loadConfig({ file: null, env: {} });
    assert.equal(config.port, 3000);
    assert.equal(config.baseUrl, 'http://localhost:3000');
    assert.equal(config.signupMode, 'open');
    assert.equal(config.siteTimeZone, 'UTC');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.secureCookies, false);
    assert.ok(config.dataDir.endsWith('/data'));
  });

  test('file < environment < flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'commonroom-config-'));
    const file = join(dir, 'commonroom.config.json');
    writeFileSync(file, JSON.stringify({ port: 4000, siteName: 'From file', signupMode: 'invite', baseUrl: 'https://pln.example.org/' }));
    const config = loadConfig({ file, env: { SITE_NAME: 'From env', TRUST_PROXY: 'yes' }, overrides: { port: '5000' } });
    assert.equal(config.port, 5000);
    assert.equal(config.siteName, 'From env');
    assert.equal(config.signupMode, 'invite');
    assert.equal(config.baseUrl, 'https://pln.example.org');
    assert.equal(config.secureCookies, true);
    assert.equal(config.trustProxy, true);
  });

  test('bad values name the setting', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: '70000' }, /^PORT \(port\):/],
      [{ BASE_URL: 'ftp://x' }, /^BASE_URL \(baseUrl\):/],
      [{ SECRET_KEY: 'short' }, /^SECRET_KEY \(secretKey\): must be at least 32 characters/],
      [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL \(logLevel\):/],
      [{ RUN_JOBS: 'perhaps' }, /^RUN_JOBS \(runJobs\):/],
      [{ SITE_TIME_ZONE: 'Mars/Olympus' }, /^SITE_TIME_ZONE \(siteTimeZone\): must be a time zone/],
      [{ SITE_TIME_ZONE: '+02:00' }, /^SITE_TIME_ZONE \(siteTimeZone\):/],
    ];
    for (const [env, message] of cases)
      assert.throws(
        () => loadConfig({ file: null, env }),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
      );
    const dir = mkdtempSync(join(tmpdir(), 'commonroom-config-'));
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    assert.throws(() => loadConfig({ file: join(dir, 'bad.json'), env: {} }), /bad\.json/);
    writeFileSync(join(dir, 'unknown.json'), '{ "prot": 80 }');
    assert.throws(() => loadConfig({ file: join(dir, 'unknown.json'), env: {} }), /prot/);
  });

  test('the secret key is generated once, private, and kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'commonroom-secret-'));
    const key = loadSecretKey(dir, undefined);
    assert.ok(key.length >= 32);
    assert.equal(loadSecretKey(dir, undefined), key);
    assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, 'secret.key'), 'utf8').trim(), key);
    assert.equal(loadSecretKey(dir, 'x'.repeat(40)), 'x'.repeat(40));
  });
});
