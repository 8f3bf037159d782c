/**
 * Writes data/router/requests.jsonl: labelled example requests for training the service router.
 * Deterministic (seeded PRNG), so running it again gives the same file:
 *   npx vite-node data/router/generate.ts
 * Each line: { id, text?, series?, services: [primary, ...secondary], split: 'train' | 'test' }.
 * The split is fixed: every fifth example is held out for testing.
 * E-mails (ids e…) come from the SpamAssassin TRAINING split that the language model was trained on
 * (training/language/data/prepared.jsonl, rows with split 'train', written by the language training's
 * prepare step; generated data, never committed). Its validation and test rows are never read.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

type Service = 'language' | 'neuromorphic' | 'lnn' | 'memory' | 'consensus';
interface Example { id: string; text?: string; series?: number[]; services: Service[]; split: 'train' | 'test' }

let state = 20260126;
function rand(): number {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 2 ** 32;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
function gauss(): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
function fill(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => pick(SLOTS[key]));
}

const SLOTS: Record<string, readonly string[]> = {
  topic: ['photosynthesis', 'the French revolution', 'black holes', 'transformers in machine learning', 'inflation', 'the immune system', 'quantum entanglement', 'climate change', 'the Roman empire', 'plate tectonics', 'vaccines', 'compound interest', 'neural networks', 'the water cycle', 'supply chains', 'jazz history', 'graph theory', 'sleep cycles', 'electric cars', 'the printing press'],
  lang: ['French', 'German', 'Spanish', 'Japanese', 'Italian', 'Portuguese'],
  phrase: ['good morning, how are you', 'the meeting is postponed', 'thank you for your help', 'where is the train station', 'the results look promising', 'please send the report'],
  thing: ['my dentist appointment', 'the wifi password', 'my sister\'s birthday', 'the parking spot number', 'the project deadline', 'my passport number', 'the recipe for pancakes', 'the server address', 'our anniversary', 'the gate code', 'my doctor\'s name', 'the budget figures'],
  when: ['next Tuesday', 'on March 3rd', 'at 5 pm', 'tomorrow morning', 'in two weeks', 'on Friday'],
  sensor: ['temperature', 'pressure', 'humidity', 'voltage', 'heart rate', 'accelerometer', 'vibration', 'power draw', 'flow rate', 'CO2 level'],
  place: ['the greenhouse', 'engine 3', 'the server room', 'the freezer', 'the left motor', 'the patient monitor', 'the boiler', 'the turbine'],
  decision: ['deploying the new model', 'the firmware update', 'shutting down node 4', 'the budget proposal', 'switching to the backup link', 'releasing version 2.1', 'the maintenance window', 'rolling back the config'],
  peers: ['replicas', 'peers', 'nodes', 'tabs', 'participants', 'validators'],
  neuron: ['the spiking network', 'the LIF neurons', 'the neuromorphic core', 'the spiking classifier', 'the reservoir'],
};

const LANGUAGE = [
  'What is {topic}?', 'Explain {topic} in simple terms.', 'Can you summarise the main ideas of {topic}?', 'Translate "{phrase}" into {lang}.',
  'Is this review positive or negative: "the food was cold and the service slow"?', 'Write a short paragraph about {topic}.',
  'Why does {topic} matter?', 'Give me three facts about {topic}.', 'How would you describe {topic} to a child?', 'Classify the sentiment of: "{phrase}".',
  'What are the pros and cons of {topic}?', 'Rewrite this sentence more formally: "{phrase}".', 'Who first studied {topic}?', 'Define {topic} in one sentence.',
  'Compare {topic} and {topic}.', 'Answer briefly: how does {topic} work?', 'Correct the grammar in "{phrase}".', 'Tell me something interesting about {topic}.',
];
const MEMORY = [
  'Remember that {thing} is {when}.', 'Please remember {thing}.', 'Save a note: {thing} {when}.', 'Store this: {thing} changed {when}.',
  'What did I tell you about {thing}?', 'Recall {thing}.', 'Do you remember {thing}?', 'Look up my saved note about {thing}.',
  'Retrieve what I stored about {thing}.', 'Forget nothing: {thing} is {when}.', 'Keep in mind that {thing} moved to {when}.', 'Find my earlier note on {thing}.',
  'When is {thing}? I told you last week.', 'Search my memories for {thing}.', 'Write down {thing} for later.', 'Bookmark this for later: {thing}.',
];
const MEMORY_LANGUAGE = ['Summarise everything I saved about {thing}.', 'Explain the notes I stored about {topic}.', 'Recall my notes on {topic} and explain them simply.'];
const CONSENSUS = [
  'Do all {peers} agree on {decision}?', 'Vote on {decision}.', 'Ask the {peers} to vote on {decision}.', 'Get a quorum to approve {decision}.',
  'Reach agreement across {peers} about {decision}.', 'Commit {decision} only if the {peers} agree.', 'Have the {peers} confirm {decision}.',
  'Is there consensus among the {peers} on {decision}?', 'Propose {decision} to the {peers} and collect votes.', 'Make the other {peers} sign off on {decision}.',
  'Let the cluster decide on {decision} with a majority vote.', 'Coordinate with the {peers}: approve {decision}?',
];
const SPIKE_TEXT = [
  'Classify this spike train.', 'Run {neuron} on these spike events.', 'How many spikes are in this recording?', 'Detect bursts in these spike counts.',
  'Feed these events to {neuron}.', 'What is the firing rate of this neuron?', 'Encode this event stream with {neuron}.', 'Analyse these spike times.',
];
const SERIES_TEXT = [
  'Forecast the next values of this {sensor} series.', 'Predict where the {sensor} of {place} is heading.', 'Model the dynamics of this {sensor} signal.',
  'Is this {sensor} reading from {place} drifting?', 'Adapt to this {sensor} stream and predict the next step.', 'What comes next in this {sensor} trace?',
  'Fit the trend of the {sensor} readings.', 'Smooth and extrapolate this {sensor} signal from {place}.',
];
const MEMORY_SERIES_TEXT = ['Store this {sensor} trace from {place} for later.', 'Remember this {sensor} reading as the baseline.', 'Save this {sensor} series so I can compare it later.'];
const MEMORY_SPIKE_TEXT = ['Save these spike events as a pattern.', 'Remember this spike train.', 'Store this event recording for later.'];
const CONSENSUS_SERIES_TEXT = ['Ask the {peers} to vote whether this {sensor} series is anomalous.', 'Do the {peers} agree this {sensor} trace from {place} is normal?'];
const CONSENSUS_SPIKE_TEXT = ['Have the {peers} agree on the class of this spike train.'];

/** A continuous sensor-like signal: a sine, a random walk, a decay, or a noisy level. */
function continuousSeries(): number[] {
  const n = int(16, 160);
  const kind = int(0, 4);
  const level = pick([0, 20, 101.3, 3.3, 72, -5, 1000, 0.5]);
  const scale = pick([0.1, 1, 5, 20]);
  const out: number[] = [];
  let walk = level;
  for (let i = 0; i < n; i++) {
    let v: number;
    if (kind === 0) v = level + scale * Math.sin((2 * Math.PI * i) / int(8, 40)) + 0.1 * scale * gauss();
    else if (kind === 1) v = walk += 0.2 * scale * gauss();
    else if (kind === 2) v = level + scale * Math.exp(-i / 20) + 0.05 * scale * gauss();
    else if (kind === 3) v = Math.round(level + scale * Math.sin(i / 6) + scale * 0.2 * gauss()); // integer-valued readings
    else v = level + scale * gauss() * 0.3 + (i / n) * scale;
    out.push(kind === 3 ? v : round(v));
  }
  return out;
}

/** A spike train: 0/1 per time bin (Bernoulli) or small spike counts per bin (Poisson). */
function spikeSeries(): number[] {
  const n = int(32, 256);
  const rate = pick([0.02, 0.05, 0.1, 0.2, 0.3]);
  const counts = rand() < 0.35;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!counts) out.push(rand() < rate ? 1 : 0);
    else {
      let k = 0;
      let p = Math.exp(-rate * 2);
      let u = rand();
      while (u > p && k < 6) { u -= p; k++; p *= (rate * 2) / k; }
      out.push(k);
    }
  }
  return out;
}

const examples: Array<Omit<Example, 'id' | 'split'>> = [];
const add = (services: Service[], text?: string, series?: number[]) => examples.push({ ...(text ? { text } : {}), ...(series ? { series } : {}), services });
for (let i = 0; i < 110; i++) add(['language'], fill(pick(LANGUAGE)));
for (let i = 0; i < 90; i++) add(['memory'], fill(pick(MEMORY)));
for (let i = 0; i < 20; i++) add(['memory', 'language'], fill(pick(MEMORY_LANGUAGE)));
for (let i = 0; i < 80; i++) add(['consensus'], fill(pick(CONSENSUS)));
for (let i = 0; i < 45; i++) add(['neuromorphic'], undefined, spikeSeries());
for (let i = 0; i < 35; i++) add(['neuromorphic'], fill(pick(SPIKE_TEXT)), spikeSeries());
for (let i = 0; i < 45; i++) add(['lnn'], undefined, continuousSeries());
for (let i = 0; i < 35; i++) add(['lnn'], fill(pick(SERIES_TEXT)), continuousSeries());
for (let i = 0; i < 15; i++) add(['memory', 'lnn'], fill(pick(MEMORY_SERIES_TEXT)), continuousSeries());
for (let i = 0; i < 10; i++) add(['memory', 'neuromorphic'], fill(pick(MEMORY_SPIKE_TEXT)), spikeSeries());
for (let i = 0; i < 12; i++) add(['consensus', 'lnn'], fill(pick(CONSENSUS_SERIES_TEXT)), continuousSeries());
for (let i = 0; i < 6; i++) add(['consensus', 'neuromorphic'], fill(pick(CONSENSUS_SPIKE_TEXT)), spikeSeries());

// Shuffle (Fisher–Yates, seeded) so the fixed split takes every kind.
for (let i = examples.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [examples[i], examples[j]] = [examples[j], examples[i]];
}
const lines = examples.map((e, i) => JSON.stringify({ id: `r${String(i).padStart(4, '0')}`, ...e, split: i % 5 === 4 ? 'test' : 'train' }));

// Hand-written requests in phrasings no template above produces, all held out: they show how the
// router does on wording it was not trained on (reported separately by the training script).
const HANDWRITTEN: Array<[Service[], string, 'spikes' | 'signal' | null]> = [
  [['language'], 'How do airplanes stay in the air?', null],
  [['language'], 'Can you proofread my cover letter opening: "I am writing to apply for"', null],
  [['language'], 'What does the word serendipity mean?', null],
  [['language'], 'Summarize the plot of Hamlet.', null],
  [['language'], 'Is the tone of this email rude: "just do it already"?', null],
  [['language'], 'Explain recursion with an example.', null],
  [['memory'], 'Note to self: the car insurance renews on June 1st.', null],
  [['memory'], 'What was the name of the restaurant I mentioned yesterday?', null],
  [['memory'], 'Jot down that Anna prefers tea over coffee.', null],
  [['memory'], 'Have I saved anything about the Lisbon trip?', null],
  [['memory'], 'Remind me what I stored regarding the office lease.', null],
  [['memory'], 'Keep a record that the boiler was serviced today.', null],
  [['consensus'], 'Should the cluster accept this transaction? Collect votes from every node.', null],
  [['consensus'], 'We need a majority of validators to agree before we ship.', null],
  [['consensus'], 'Ask the other browser tabs whether they approve the change.', null],
  [['consensus'], 'Can the replicas reach a decision on the leader election?', null],
  [['consensus'], 'Poll all participants and commit only with agreement.', null],
  [['neuromorphic'], 'Here are the events recorded from the retina sensor.', 'spikes'],
  [['neuromorphic'], 'Which class does this neuron firing pattern belong to?', 'spikes'],
  [['neuromorphic'], '', 'spikes'],
  [['neuromorphic'], 'Process this event camera output.', 'spikes'],
  [['lnn'], 'The thermostat logged these values, what happens next?', 'signal'],
  [['lnn'], 'Here is an hour of battery voltage; estimate the next minutes.', 'signal'],
  [['lnn'], '', 'signal'],
  [['lnn'], 'Track this irregularly sampled wind speed signal.', 'signal'],
  [['memory', 'lnn'], 'Archive this vibration log from pump 2.', 'signal'],
  [['consensus', 'lnn'], 'Let the peers decide together whether these readings look faulty.', 'signal'],
];
HANDWRITTEN.forEach(([services, text, series], i) => {
  const data = series === 'spikes' ? spikeSeries() : series === 'signal' ? continuousSeries() : undefined;
  lines.push(JSON.stringify({ id: `h${String(i).padStart(3, '0')}`, ...(text ? { text } : {}), ...(data ? { series: data } : {}), services, split: 'test' }));
});
// Pasted e-mails (ham and spam) go to the Language service, whose default model classifies them.
// A separate seeded stream, so the examples above stay exactly as they were.
const EMAILS_PER_LABEL = 50;
const EMAIL_MAX_CHARS = 3000;
const prepared = new URL('../../training/language/data/prepared.jsonl', import.meta.url);
if (!existsSync(prepared)) {
  throw new Error('training/language/data/prepared.jsonl is missing: run the language training\'s prepare step first (see training/language/README.md)');
}
const trainRows = readFileSync(prepared, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { id: string; label: number; split: string; text: string })
  .filter((r) => r.split === 'train');
state = 20261130;
const emails: Array<{ text: string; label: number }> = [];
for (const label of [0, 1]) {
  const rows = trainRows.filter((r) => r.label === label);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  for (const row of rows.slice(0, EMAILS_PER_LABEL)) emails.push({ text: row.text, label });
}
for (let i = emails.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [emails[i], emails[j]] = [emails[j], emails[i]];
}
emails.forEach(({ text }, i) => {
  // Half are cut to their first few hundred characters (at a space), as a user would paste them.
  let body = text.slice(0, EMAIL_MAX_CHARS);
  if (i % 2 === 1) {
    const cut = body.slice(0, int(200, 600));
    body = cut.length < body.length && cut.lastIndexOf(' ') > 100 ? cut.slice(0, cut.lastIndexOf(' ')) : cut;
  }
  lines.push(JSON.stringify({ id: `e${String(i).padStart(3, '0')}`, text: body.trim(), services: ['language'], split: i % 5 === 4 ? 'test' : 'train' }));
});
writeFileSync(new URL('./requests.jsonl', import.meta.url), lines.join('\n') + '\n');
console.log(`wrote ${lines.length} examples to data/router/requests.jsonl`);
