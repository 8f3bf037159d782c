/**
 * The edge node's consensus key and the group's signed roster, from the command line:
 *   npm run edge:roster -- key  --key edge-data/consensus-key.json          makes the key (once), prints its public key
 *   npm run edge:roster -- init --out roster.json --group G --members K0,K1,K2,K3   a roster nobody signed yet
 *   npm run edge:roster -- sign --key edge-data/consensus-key.json --roster roster.json   adds this key's signature
 * A roster is valid once every member signed it (verifyRoster); a tab signs with signRoster() in the page.
 */
import { parseArgs } from 'node:util';
import { loadOrCreateKeyFile } from './consensus-key';
import { signRosterFile, writeUnsignedRoster } from './roster-file';

const { positionals, values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { key: { type: 'string', default: 'edge-data/consensus-key.json' }, roster: { type: 'string' }, out: { type: 'string' }, group: { type: 'string' }, members: { type: 'string' } },
  allowPositionals: true,
});

const command = positionals[0];
if (command === 'key') {
  console.log((await loadOrCreateKeyFile(values.key!)).publicKeyHex);
} else if (command === 'init' && values.out && values.group && values.members) {
  const { roster } = writeUnsignedRoster(values.out, values.group, values.members.split(',').filter(Boolean));
  console.log(`${values.out}: ${roster.members.length} members, no signature yet`);
} else if (command === 'sign' && values.roster) {
  const { id, signed, valid } = await signRosterFile(values.roster, await loadOrCreateKeyFile(values.key!));
  console.log(`signed as member ${id}; ${valid ? 'every member has signed: the roster is valid' : `${signed} signatures so far`}`);
} else {
  console.error('usage: edge:roster -- key [--key FILE] | init --out FILE --group NAME --members K0,K1,… | sign [--key FILE] --roster FILE');
  process.exit(2);
}
