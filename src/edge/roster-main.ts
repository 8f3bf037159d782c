/**
 * The edge node's consensus key and the group's signed roster, from the command line:
 *   npm run edge:roster -- key  --key edge-data/consensus-key.json          makes the key (once), prints its public key
 *   npm run edge:roster -- init --out roster.json --group G --members K0,K1,K2,K3   a roster nobody signed yet
 *   npm run edge:roster -- sign --key edge-data/consensus-key.json --roster roster.json   adds this key's signature
 * A roster is valid once every member signed it (verifyRoster); a tab signs with signRoster() in the page.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InvalidInputError } from '../errors';
import { Ed25519Signer, signRoster, verifyRoster, type SignedRoster } from '../services/consensus/index';
import { loadOrCreateKeyFile } from './consensus-key';
import { readRosterFile } from './consensus-peer';

const { positionals, values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { key: { type: 'string', default: 'edge-data/consensus-key.json' }, roster: { type: 'string' }, out: { type: 'string' }, group: { type: 'string' }, members: { type: 'string' } },
  allowPositionals: true,
});

const command = positionals[0];
if (command === 'key') {
  const me = await loadOrCreateKeyFile(values.key!);
  console.log(me.publicKeyHex);
} else if (command === 'init' && values.out && values.group && values.members) {
  const members = values.members.split(',').filter(Boolean);
  const n = members.length;
  if (n < 4 || (n - 1) % 3 !== 0 || new Set(members).size !== n || !members.every((k) => /^[0-9a-f]{64}$/.test(k))) {
    throw new InvalidInputError(`--members lists ${n} keys (or repeats one, or one is not a 32-byte hex key)`, 'list n = 3f+1 distinct public keys (4, 7, …), in replica-id order, as `key` prints them');
  }
  const signed: SignedRoster = { roster: { group: values.group, version: 1, members }, signatures: members.map(() => '') };
  writeFileSync(values.out, `${JSON.stringify(signed, null, 2)}\n`, { flag: 'wx' });
  console.log(`${values.out}: ${members.length} members, no signature yet`);
} else if (command === 'sign' && values.roster) {
  const me = await loadOrCreateKeyFile(values.key!);
  const signed = readRosterFile(values.roster);
  const id = signed.roster.members.indexOf(me.publicKeyHex);
  if (id < 0) throw new InvalidInputError(`${me.publicKeyHex} is not a member of ${values.roster}`, 'sign with the key of one of its members (--key FILE)');
  const signatures = signed.roster.members.map((_, k) => signed.signatures[k] ?? '');
  signatures[id] = await signRoster(signed.roster, new Ed25519Signer(id, me.privateKey));
  writeFileSync(values.roster, `${JSON.stringify({ roster: signed.roster, signatures }, null, 2)}\n`);
  const complete = await verifyRoster({ roster: signed.roster, signatures }).then(() => true, () => false);
  console.log(`signed as member ${id}; ${complete ? 'every member has signed: the roster is valid' : `${signatures.filter(Boolean).length} of ${signatures.length} signed`}`);
} else {
  console.error('usage: roster-main key [--key FILE] | init --out FILE --group NAME --members K0,K1,… | sign [--key FILE] --roster FILE');
  process.exit(2);
}
