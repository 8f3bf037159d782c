/**
 * The WordPiece vocabulary of the generated default model: BERT's five special tokens, every
 * printable ASCII character (as a word start and, for letters and digits, as a `##` continuation),
 * a few CJK characters, common English words, common suffixes and all letter bigrams. Deterministic:
 * the same list every time, so ids in tests are stable.
 */
export const BERT_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

const WORDS = `the of and to in a is that for it as was with be by on not he i this are or his from at which but
have an they you were her she there one all we their been has when who will more no if out so said what up
its about into than them can only other new some could time these two may then do first any my now such like
our over man me even most made after also did many before must through back years where much your way well
down should because each just those people how too little state good very make world still own see men work
long get here between both life being under never day same another know while last might us great old year
off come since against go came right used take three hello hi world text model language token word sentence
embed embedding vector search query memory route router service energy spike neuron network learn learning
data fast slow quick brown fox jumps lazy dog cat play played playing run running runs walk walked happy sad
good bad best better love hate yes no ok thanks please help cafe resume naive bert gpu cpu web browser page`
  .split(/\s+/)
  .filter((w) => w.length > 0);

const SUFFIXES = ['##s', '##es', '##ed', '##ing', '##ly', '##er', '##est', '##ion', '##tion', '##ness', '##ment', '##able', '##ful', '##less', '##ize'];

/** CJK characters as single tokens; BERT splits every CJK character into its own word. */
const CJK = '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士火精告千器研收空争先';

function uniqueChars(s: string): string[] {
  return [...new Set([...s])];
}

/** The vocabulary, one token a line in id order (as `vocab.txt`). */
export function buildBertVocab(): string[] {
  const tokens: string[] = [...BERT_SPECIAL_TOKENS];
  const seen = new Set(tokens);
  const add = (t: string) => {
    if (!seen.has(t)) {
      seen.add(t);
      tokens.push(t);
    }
  };
  for (let c = 33; c <= 126; c++) {
    const ch = String.fromCharCode(c);
    if (ch >= 'A' && ch <= 'Z') continue; // the normalizer lower-cases
    add(ch);
  }
  for (const ch of 'abcdefghijklmnopqrstuvwxyz0123456789') add(`##${ch}`);
  for (const ch of uniqueChars(CJK)) add(ch);
  for (const w of WORDS) add(w);
  for (const s of SUFFIXES) add(s);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (const a of letters) for (const b of letters) add(`##${a}${b}`);
  for (const a of letters) for (const b of letters) add(`${a}${b}`);
  return tokens;
}
