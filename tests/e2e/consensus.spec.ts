import { test, expect, type Browser, type Page } from '@playwright/test';
import { startSignalingServer } from '../../src/edge/signaling';
import type { consensusTab as Tab, StartOptions } from './consensus/tab';

// Four replicas, one per page, with real Ed25519 (WebCrypto) in Chromium. Pages of one browser
// context share BroadcastChannel; WebRTC runs over loopback with iceServers: [].
type TabWindow = Window & { consensusTab: typeof Tab; consensusReady?: boolean };

async function openTabs(browser: Browser, count: number): Promise<Page[]> {
  const context = await browser.newContext();
  // The dev server reloads every page when any watched file changes (others edit shaders while tests
  // run); a replica's state lives in its page, so these pages get an inert HMR client instead.
  await context.route('**/@vite/client', (route) => route.fulfill({
    contentType: 'application/javascript',
    body: 'const noop = () => {}; export const createHotContext = () => ({ accept: noop, acceptExports: noop, dispose: noop, prune: noop, invalidate: noop, on: noop, off: noop, send: noop, data: {} }); export const updateStyle = noop; export const removeStyle = noop; export const injectQuery = (u) => u;',
  }));
  const pages = await Promise.all([...Array(count)].map(() => context.newPage()));
  await Promise.all(pages.map(async (p) => {
    await p.goto('/tests/e2e/consensus/tab.html');
    await p.waitForFunction(() => (window as unknown as TabWindow).consensusReady === true);
  }));
  return pages;
}

async function startReplicas(pages: Page[], o: Omit<StartOptions, 'id' | 'members'>, exportable = false) {
  const keys = await Promise.all(pages.map((p) => p.evaluate((x) => (window as unknown as TabWindow).consensusTab.makeIdentity(x), exportable)));
  const members = keys.map((k) => k.publicKeyHex);
  await Promise.all(pages.map((p, id) => p.evaluate((opts) => (window as unknown as TabWindow).consensusTab.start(opts), { ...o, id, members })));
  return { keys, members };
}

const decisions = (p: Page) => p.evaluate(() => (window as unknown as TabWindow).consensusTab.decisions());
const status = (p: Page) => p.evaluate(() => (window as unknown as TabWindow).consensusTab.status());
const propose = (p: Page, values: unknown[]) => p.evaluate((v) => (window as unknown as TabWindow).consensusTab.proposeMany(v as never[]), values);

test('4 tabs over BroadcastChannel commit 100 values in one order; hostile input is rejected without harm', async ({ browser }) => {
  const pages = await openTabs(browser, 4);
  await startReplicas(pages, { transport: 'broadcast-channel', group: 'e2e-order' });
  await Promise.all(pages.map((p, t) => propose(p, [...Array(25).keys()].map((k) => `t${t}-v${k}`))));
  await expect.poll(async () => (await Promise.all(pages.map(decisions))).map((d) => d.length)).toEqual([100, 100, 100, 100]);
  const logs = await Promise.all(pages.map(decisions));
  for (const log of logs.slice(1)) expect(log).toEqual(logs[0]);
  expect(new Set(logs[0]).size).toBe(100);

  // Malformed, unknown key, bad signature, and replays of every frame seen while a value commits.
  const before = (await status(pages[2])).faults;
  await pages[2].evaluate(() => (window as unknown as TabWindow).consensusTab.hostile());
  const [replayed] = await Promise.all([
    pages[2].evaluate(() => (window as unknown as TabWindow).consensusTab.replayFrames('e2e-order', 1500)),
    propose(pages[1], ['after-attack']),
  ]);
  const after = (await status(pages[2])).faults;
  expect(after.malformed - before.malformed).toBe(2);
  expect(after.unknownKey - before.unknownKey).toBe(1);
  expect(after.badSignature - before.badSignature).toBe(1);
  expect(replayed).toBeGreaterThan(0);
  expect(after.replay - before.replay).toBeGreaterThan(0);
  await propose(pages[3], ['still-fine']);
  await expect.poll(async () => (await Promise.all(pages.map(decisions))).map((d) => d.length)).toEqual([102, 102, 102, 102]);
  const final = await Promise.all(pages.map(decisions));
  for (const log of final.slice(1)) expect(log).toEqual(final[0]);
  await pages[0].context().close();
});

test('closing the leader tab leads to a view change and progress resumes', async ({ browser }) => {
  const pages = await openTabs(browser, 4);
  await startReplicas(pages, { transport: 'broadcast-channel', group: 'e2e-leader', config: { requestTimeoutMs: 400 } });
  await propose(pages[1], ['before']);
  // Normally replica 0; on a loaded machine a view change may already have happened.
  const { leader, view } = await status(pages[1]);
  await pages[leader].close();
  const rest = pages.filter((_, i) => i !== leader);
  const [r] = await propose(rest[0], ['after-leader-left']);
  expect(r.view).toBeGreaterThan(view);
  await propose(rest[1], ['and-more']);
  await expect.poll(async () => (await Promise.all(rest.map(decisions))).map((d) => d.length)).toEqual([3, 3, 3]);
  const logs = await Promise.all(rest.map(decisions));
  expect(logs[1]).toEqual(logs[0]);
  expect(logs[2]).toEqual(logs[0]);
  expect((await status(rest[0])).leader).not.toBe(leader);
  await rest[0].context().close();
});

test('an equivocating leader tab cannot make honest tabs commit different values', async ({ browser }) => {
  const pages = await openTabs(browser, 4);
  const { keys } = await startReplicas(pages, { transport: 'broadcast-channel', group: 'e2e-twin', config: { requestTimeoutMs: 400 } }, true);
  // Replace replica 0 by a Byzantine leader holding its key.
  await pages[0].evaluate(() => location.reload());
  await pages[0].waitForFunction(() => (window as unknown as TabWindow).consensusReady === true);
  await pages[0].evaluate(({ k }) => (window as unknown as TabWindow).consensusTab.equivocate(k, 'e2e-twin'), { k: keys[0] });
  const honest = pages.slice(1);
  await Promise.all(honest.map((p, t) => propose(p, [`h${t}-a`, `h${t}-b`])));
  await expect.poll(async () => (await Promise.all(honest.map(decisions))).every((d) => d.filter((x) => x.includes('"h')).length === 6), { timeout: 60_000 }).toBe(true);
  const logs = await Promise.all(honest.map(decisions));
  const n = Math.min(...logs.map((l) => l.length));
  for (const log of logs) expect(log.slice(0, n)).toEqual(logs[0].slice(0, n));
  const views = await Promise.all(honest.map(status));
  expect(views.every((s) => s.view >= 1)).toBe(true);
  await pages[0].context().close();
});

test('4 pages over WebRTC (signaling through the ws server) commit in one order and reconnect after a drop', async ({ browser }) => {
  const server = await startSignalingServer();
  try {
    const pages = await openTabs(browser, 4);
    await startReplicas(pages, { transport: 'webrtc', group: 'e2e-rtc', signalingUrl: server.url });
    const peers = (p: Page) => p.evaluate(() => (window as unknown as TabWindow).consensusTab.connectedPeers());
    await expect.poll(async () => (await Promise.all(pages.map(peers))).map((x) => x.length), { timeout: 30_000 }).toEqual([3, 3, 3, 3]);
    await Promise.all(pages.map((p, t) => propose(p, [...Array(5).keys()].map((k) => `rtc${t}-${k}`))));
    await expect.poll(async () => (await Promise.all(pages.map(decisions))).map((d) => d.length)).toEqual([20, 20, 20, 20]);
    // Drop one link; the transport rebuilds it and consensus goes on.
    await pages[1].evaluate(() => (window as unknown as TabWindow).consensusTab.disconnect(3));
    await expect.poll(async () => (await Promise.all(pages.map(peers))).map((x) => x.length), { timeout: 30_000 }).toEqual([3, 3, 3, 3]);
    await Promise.all(pages.map((p, t) => propose(p, [`again-${t}`])));
    await expect.poll(async () => (await Promise.all(pages.map(decisions))).map((d) => d.length)).toEqual([24, 24, 24, 24]);
    const logs = await Promise.all(pages.map(decisions));
    for (const log of logs.slice(1)) expect(log).toEqual(logs[0]);
    expect((await status(pages[0])).transport).toBe('webrtc');
    await pages[0].context().close();
  } finally {
    await server.close();
  }
});

test('a reloaded tab rejoins as the same replica (key kept in IndexedDB) and decides with the others; a hostile 5th tab is counted', async ({ browser }) => {
  const pages = await openTabs(browser, 5);
  const [hostileTab, ...tabs] = [pages[4], ...pages.slice(0, 4)];
  const load = (p: Page, name: string) => p.evaluate((n) => (window as unknown as TabWindow).consensusTab.loadIdentity(n), name);
  const keys = await Promise.all(tabs.map((p, id) => load(p, `e2e-reload-${id}`)));
  expect(keys.every((k) => k.created)).toBe(true);
  const members = keys.map((k) => k.publicKeyHex);
  const o = { transport: 'broadcast-channel' as const, group: 'e2e-reload', config: { requestTimeoutMs: 500, checkpointInterval: 4 } };
  const start = (p: Page, id: number) => p.evaluate((opts) => (window as unknown as TabWindow).consensusTab.start(opts), { ...o, id, members });
  await Promise.all(tabs.map((p, id) => start(p, id)));
  await Promise.all(tabs.map((p, t) => propose(p, [`a${t}-0`, `a${t}-1`])));

  // Reload replica 2 mid-run: same key from IndexedDB, a fresh replica state; the others go on meanwhile.
  await tabs[2].reload();
  await tabs[2].waitForFunction(() => (window as unknown as TabWindow).consensusReady === true);
  await propose(tabs[1], ['while-2-reloads-0', 'while-2-reloads-1', 'while-2-reloads-2', 'while-2-reloads-3', 'while-2-reloads-4']);
  const back = await load(tabs[2], 'e2e-reload-2');
  expect(back).toEqual({ publicKeyHex: members[2], created: false });
  await start(tabs[2], 2);
  const [mine] = await propose(tabs[2], ['from-the-reloaded-tab']);
  expect(mine.value).toBe('from-the-reloaded-tab');
  // A replica that missed part of the log executes past the gap once a checkpoint after it is stable
  // (PBFT state transfer): enough requests to cross the next checkpoint (every 4 sequence numbers).
  await propose(tabs[0], ['after-rejoin-0', 'after-rejoin-1', 'after-rejoin-2', 'after-rejoin-3']);
  const executed = async () => (await Promise.all(tabs.map(status))).map((s) => s.lastExecuted);
  await expect.poll(async () => new Set(await executed()).size, { timeout: 30_000 }).toBe(1);

  // It caught up by state transfer (the replicas' checkpoint every 4 sequence numbers).
  expect(await tabs[2].evaluate(() => (window as unknown as TabWindow).consensusTab.metrics())).toMatch(/aura_consensus_state_transfers_total [1-9]/);
  await hostileTab.evaluate(() => (window as unknown as TabWindow).consensusTab.flood('e2e-reload', 50));
  await propose(tabs[3], ['after-flood-0', 'after-flood-1', 'after-flood-2', 'after-flood-3']);
  await expect.poll(async () => new Set(await executed()).size, { timeout: 30_000 }).toBe(1);
  const text = await tabs[0].evaluate(() => (window as unknown as TabWindow).consensusTab.metrics());
  expect(Number(/aura_consensus_faults_total\{kind="badSignature"\} (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(50);
  expect(Number(/aura_consensus_faults_total\{kind="malformed"\} (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(50);
  expect(text).toMatch(/aura_consensus_decisions_total \d+/);
  const logs = await Promise.all(tabs.map(decisions));
  // The reloaded tab's log holds what it executed itself (state transfer skips what it missed, once or
  // more): in order, a subsequence of the others' log, never an entry they did not decide.
  expect(logs[1]).toEqual(logs[0]);
  expect(logs[3]).toEqual(logs[0]);
  expect(logs[2].length).toBeGreaterThan(0);
  let at = 0;
  for (const entry of logs[2]) {
    at = logs[0].findIndex((e, i) => i >= at && JSON.stringify(e) === JSON.stringify(entry));
    expect(at, `reloaded tab's ${JSON.stringify(entry)} is in the others' log, in order`).toBeGreaterThanOrEqual(0);
    at += 1;
  }
  await pages[0].context().close();
});

test("createAura's default group: 4 tabs form one group across tabs (f = 1), and a reloaded tab rejoins as the same replica", async ({ browser }) => {
  const tabs = await openTabs(browser, 4);
  const join = (p: Page) => p.evaluate(() => (window as unknown as TabWindow).consensusTab.joinTabs());
  const joined = await Promise.all(tabs.map(join));
  expect(joined.map((j) => j.inPage)).toEqual([false, false, false, false]);
  expect(joined.map((j) => j.f)).toEqual([1, 1, 1, 1]);
  expect(joined.map((j) => j.id).sort()).toEqual([0, 1, 2, 3]);
  await Promise.all(tabs.map((p, t) => propose(p, [`tabs-${t}`])));

  await tabs[1].reload();
  await tabs[1].waitForFunction(() => (window as unknown as TabWindow).consensusReady === true);
  const again = await join(tabs[1]);
  expect(again).toEqual(joined[1]);
  const [mine] = await propose(tabs[1], ['from-the-reloaded-tab']);
  expect(mine.value).toBe('from-the-reloaded-tab');
  await tabs[0].context().close();
});
