import fixtures from '../../tests/fixtures/aura-bert-spam/fixtures.json';

export interface PeerText {
  name: string;
  label: string;
  text: string;
}

/**
 * The e-mails of the language model's test fixtures that fit its 256-token window whole (8 of 20,
 * 30 to 238 word pieces). Texts past the window are left out: AURA can keep head + tail
 * (tokenizer_config truncation_tail_tokens) where transformers.js keeps the head only, so only
 * whole texts compare the two runtimes on the same input.
 */
export const PEER_TEXTS: PeerText[] = (fixtures.messages as Array<PeerText & { truncated: boolean }>)
  .filter((m) => !m.truncated)
  .map(({ name, label, text }) => ({ name, label, text }));

/** `n` requests cycling through the texts. */
export function peerRequests(n: number): string[] {
  return Array.from({ length: n }, (_, i) => PEER_TEXTS[i % PEER_TEXTS.length].text);
}
