import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../config';
import { readKafkaSettings } from './kafka-settings';

const settings = (env: Record<string, string>) =>
  readKafkaSettings(readConfig({ KAFKA_BROKERS: 'b:9093' }), env).security;

describe('Kafka security settings', () => {
  it('is plaintext without settings', () => {
    expect(settings({})).toEqual({ ssl: undefined, sasl: undefined });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512', 'SCRAM-SHA-512'])('takes SASL %s with its credentials', (m) => {
    const env = { KAFKA_SASL_MECHANISM: m, KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' };
    expect(settings(env).sasl).toEqual({ mechanism: m.toLowerCase(), username: 'u', password: 'p' });
  });

  it('refuses an unknown mechanism and a mechanism without credentials', () => {
    expect(() => settings({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/one of plain/);
    expect(() => settings({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toThrow(/PASSWORD/);
  });

  it('turns TLS on, checking the broker against the given CA, with a client certificate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
    for (const name of ['ca', 'cert', 'key']) writeFileSync(join(dir, name), `${name}-pem`);
    const tls = settings({
      KAFKA_SSL_CA_FILE: join(dir, 'ca'),
      KAFKA_SSL_CERT_FILE: join(dir, 'cert'),
      KAFKA_SSL_KEY_FILE: join(dir, 'key'),
    }).ssl;
    expect(tls).toEqual({ ca: 'ca-pem', cert: 'cert-pem', key: 'key-pem', rejectUnauthorized: true });
  });

  it('checks the broker against the system CAs with KAFKA_SSL=true alone', () => {
    expect(settings({ KAFKA_SSL: 'true' }).ssl).toEqual({ rejectUnauthorized: true });
  });

  it('refuses a certificate without its key, and a file it cannot read', () => {
    expect(() => settings({ KAFKA_SSL_CERT_FILE: '/x' })).toThrow(/go together/);
    expect(() => settings({ KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/KAFKA_SSL_CA_FILE cannot be read/);
  });
});
