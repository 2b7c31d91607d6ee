import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/model/json.ts';
import { DEFAULT_POLICY } from '../../src/policy/default-policy.ts';
import { compilePolicy } from '../../src/policy/evaluate.ts';

// Found by a security trial: a private key whose PEM header was cut across two arguments, or
// sent without its header, and a password given as a number (`{ "password": 123456 }`), were
// not found.

const policy = compilePolicy(DEFAULT_POLICY);
const judge = (args: JsonObject, actionType = 'code:read') => policy.evaluate({ actionType, args, agentId: 'a' }, { autonomyOverride: 'full' });

/** The base64 body of a PEM, without its header and footer lines. */
const bodyOf = (pem: string) =>
  pem
    .split('\n')
    .filter((line) => line && !line.startsWith('-----'))
    .join('\n');
const exported = (key: KeyObject, options: Record<string, unknown>) => key.export({ format: 'pem', ...options } as never) as string;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaSmall = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const ed = generateKeyPairSync('ed25519');

const PRIVATE_BODIES: Array<[string, string]> = [
  ['RSA PKCS#1', bodyOf(exported(rsa.privateKey, { type: 'pkcs1' }))],
  ['RSA 1024 PKCS#1', bodyOf(exported(rsaSmall.privateKey, { type: 'pkcs1' }))],
  ['RSA PKCS#8', bodyOf(exported(rsa.privateKey, { type: 'pkcs8' }))],
  ['encrypted PKCS#8', bodyOf(exported(rsaSmall.privateKey, { type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }))],
  ['EC SEC1', bodyOf(exported(ec.privateKey, { type: 'sec1' }))],
  ['EC P-384 SEC1', bodyOf(exported(ec384.privateKey, { type: 'sec1' }))],
  ['EC PKCS#8', bodyOf(exported(ec.privateKey, { type: 'pkcs8' }))],
  ['Ed25519 PKCS#8', bodyOf(exported(ed.privateKey, { type: 'pkcs8' }))],
  ['OpenSSH', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW'],
];

const PUBLIC_BODIES: Array<[string, string]> = [
  ['RSA public key', bodyOf(exported(rsa.publicKey, { type: 'spki' }))],
  ['RSA PKCS#1 public key', bodyOf(exported(rsa.publicKey, { type: 'pkcs1' }))],
  ['EC public key', bodyOf(exported(ec.publicKey, { type: 'spki' }))],
  ['Ed25519 public key', bodyOf(exported(ed.publicKey, { type: 'spki' }))],
  // The start of ISRG Root X1, a public CA certificate.
  ['certificate', 'MIIFazCCA1OgAwIBAgIRAIIQz7DSQONZRGPgu2OCiwAwDQYJKoZIhvcNAQELBQAw\nTzELMAkGA1UEBhMCVVMxKTAnBgNVBAoTIEludGVybmV0IFNlY3VyaXR5IFJlc2Vh'],
];

describe('a private key split from its header or across arguments', () => {
  it.each(PRIVATE_BODIES)('denies a %s body sent without its header, alone or after other text', (_, body) => {
    for (const args of [{ key: body }, { deployKey: `key:\n${body}` }, { files: [{ path: 'id', content: body }] }] as JsonObject[]) {
      const verdict = judge(args);
      expect(verdict.decision, JSON.stringify(args).slice(0, 60)).toBe('deny');
      expect(verdict.matchedRules).toContain('detector:private-key');
      expect(verdict.argsWithheld).toBe(true);
    }
  });

  it('denies a PEM header cut across arguments, and a body cut before the bytes that mark it', () => {
    const body = PRIVATE_BODIES[0]?.[1] as string;
    for (const args of [
      { a: '-----BEGIN RSA PRIVATE', b: `KEY-----\n${body}` },
      { a: '-----BEGIN RSA PRIV', b: 'ATE KEY-----', c: 'MIIE' },
      { parts: ['-----BEGIN OPENSSH ', 'PRIVATE KEY-----'] },
      { a: '--', b: '---BEGIN EC PRIVATE KEY-----' },
      { head: body.slice(0, 6), tail: body.slice(6) },
      { chunks: [body.slice(0, 3), body.slice(3, 9), body.slice(9, 40)] },
    ] as JsonObject[]) {
      const verdict = judge(args);
      expect(verdict.decision, JSON.stringify(args).slice(0, 80)).toBe('deny');
      expect(verdict.matchedRules).toContain('detector:private-key');
    }
  });

  it.each(PUBLIC_BODIES)('leaves a %s alone', (_, body) => {
    expect(judge({ key: body }).decision).toBe('allow');
    expect(judge({ key: `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----` }).decision).toBe('allow');
  });

  it('leaves arguments that only mention keys alone', () => {
    for (const args of [
      { a: 'see the docs', b: 'about PRIVATE KEY files' },
      { a: '-----', b: 'BEGIN', c: 'the section' },
      { text: 'Keys start with -----BEGIN and end with -----END' },
      { ids: ['MIIE', 'main', 'IBAA'] },
    ] as JsonObject[]) {
      expect(judge(args).decision, JSON.stringify(args)).toBe('allow');
    }
  });
});

describe('a password given as a number', () => {
  it.each([[{ password: 123456 }], [{ pwd: 12345678 }], [{ db: { password: 20240101 } }], [{ apiKey: 9876543210 }], [{ config: '{"db_password": 98765432}' }]] as Array<[JsonObject]>)(
    '%j → deny, arguments withheld',
    (args) => {
      const verdict = judge(args);
      expect(verdict.decision).toBe('deny');
      expect(verdict.matchedRules).toContain('detector:secret-field');
      expect(verdict.argsWithheld).toBe(true);
    },
  );

  it('leaves numbers under other names, short numbers and booleans alone', () => {
    for (const args of [
      { tokenCount: 1500 },
      { maxTokens: 4096 },
      { passwordMinLength: 12 },
      { secretVersion: 3 },
      { password: 1234 },
      { password: true },
      { requirePassword: false },
      { port: 5432, timeoutMs: 30000 },
      { values: [123456, 654321] },
    ] as JsonObject[]) {
      expect(judge(args).decision, JSON.stringify(args)).toBe('allow');
    }
  });
});
