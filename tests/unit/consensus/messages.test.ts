import { describe, expect, it } from 'vitest';
import { canonicalJson, requireJson } from '../../../src/services/consensus/codec';
import { MalformedMessageError } from '../../../src/services/consensus/errors';
import { collectEnvelopes, parseEnvelope } from '../../../src/services/consensus/messages';
import {
  Ed25519Signer, Ed25519Verifier, generateEd25519Identity, SimulatedSigner, SimulatedVerifier,
} from '../../../src/services/consensus/signer';
import { signingText } from '../../../src/services/consensus/node';

const D = 'a'.repeat(64);
const S = 'b'.repeat(128);

describe('canonical JSON and message shapes', () => {
  it('sorts keys so equal data signs equal bytes', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('rejects values that are not plain JSON', () => {
    expect(() => requireJson('v', Number.NaN, 100)).toThrow(MalformedMessageError);
    expect(() => requireJson('v', { f: () => 1 }, 100)).toThrow(/not plain JSON/);
    expect(() => requireJson('v', 'x'.repeat(200), 100)).toThrow(/bytes/);
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    expect(() => requireJson('v', deep, 10_000)).toThrow(/deeper/);
  });

  it('parses valid envelopes, nested certificates included', () => {
    const request = { from: 1, body: { t: 'request', client: 1, session: 5, reqId: 1, value: { x: 1 } }, sig: S };
    const pp = { from: 0, body: { t: 'pre-prepare', view: 0, seq: 1, digest: D, requests: [request] }, sig: S };
    const env = parseEnvelope(pp, 'message', undefined, 128);
    expect(env.body.t).toBe('pre-prepare');
    expect(collectEnvelopes(env)).toHaveLength(2);
  });

  it.each([
    ['not an object', 'hello'],
    ['missing body', { from: 0, sig: S }],
    ['unknown type', { from: 0, body: { t: 'launch' }, sig: S }],
    ['negative view', { from: 0, body: { t: 'prepare', view: -1, seq: 1, digest: D }, sig: S }],
    ['fractional seq', { from: 0, body: { t: 'prepare', view: 0, seq: 1.5, digest: D }, sig: S }],
    ['short digest', { from: 0, body: { t: 'commit', view: 0, seq: 1, digest: 'ab' }, sig: S }],
    ['extra field', { from: 0, body: { t: 'commit', view: 0, seq: 1, digest: D, evil: 1 }, sig: S }],
    ['sender out of range', { from: 5000, body: { t: 'commit', view: 0, seq: 1, digest: D }, sig: S }],
    ['non-hex signature', { from: 0, body: { t: 'commit', view: 0, seq: 1, digest: D }, sig: 'zz' }],
    ['wrong nested type', { from: 0, body: { t: 'pre-prepare', view: 0, seq: 1, digest: D, requests: [{ from: 0, body: { t: 'commit', view: 0, seq: 1, digest: D }, sig: S }] }, sig: S }],
  ])('rejects a malformed message: %s', (_name, raw) => {
    expect(() => parseEnvelope(raw, 'message', undefined, 128)).toThrow(MalformedMessageError);
  });
});

describe('signatures', () => {
  it('Ed25519 through WebCrypto: signs, verifies, rejects tampering, wrong keys and unknown members', async () => {
    const [a, b] = await Promise.all([generateEd25519Identity(), generateEd25519Identity()]);
    const verifier = new Ed25519Verifier([a.publicKeyHex, b.publicKeyHex]);
    const body = { t: 'commit' as const, view: 0, seq: 1, digest: D };
    const sig = await new Ed25519Signer(0, a.privateKey).sign(signingText(0, body));
    expect(sig).toMatch(/^[0-9a-f]{128}$/);
    expect(await verifier.verify(0, signingText(0, body), sig)).toBe(true);
    expect(await verifier.verify(0, signingText(0, { ...body, seq: 2 }), sig)).toBe(false);
    expect(await verifier.verify(1, signingText(1, body), sig)).toBe(false);
    expect(verifier.knows(2)).toBe(false);
    expect(await verifier.verify(2, signingText(2, body), sig)).toBe(false);
    expect(() => new Ed25519Verifier(['not-a-key'])).toThrow(/Ed25519 public key/);
  });

  it('the simulator signer has the same contract', async () => {
    const verifier = new SimulatedVerifier(['s0', 's1']);
    const sig = await new SimulatedSigner(0, 's0').sign('text');
    expect(await verifier.verify(0, 'text', sig)).toBe(true);
    expect(await verifier.verify(1, 'text', sig)).toBe(false);
    expect(await verifier.verify(0, 'other', sig)).toBe(false);
    expect(verifier.knows(7)).toBe(false);
  });
});
