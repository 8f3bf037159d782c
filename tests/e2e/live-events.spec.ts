import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { startNats, type NatsProcess } from '../../scripts/scale/nats-process';
import { EVENT_SUBJECT, memoryWriteEvent } from '../../src/edge/event-schema';
import { EventStream } from '../../src/edge/event-stream';

// The app watches the edge's event stream live: the real nats-server (Debian), its WebSocket listener on loopback.
const NATS_PORT = 41840;
const WS_PORT = 41841;

test.describe('live decisions of the edge nodes in the app (NATS over WebSocket)', () => {
  let nats: NatsProcess;
  const root = mkdtempSync(join(tmpdir(), 'aura-live-'));
  test.beforeAll(async () => {
    nats = await startNats(NATS_PORT, join(root, 'js'), { websocketPort: WS_PORT });
  });
  test.afterAll(async () => {
    await nats?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('events published by a node appear in the page; malformed and oversized messages are counted, not shown', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`/?backend=cpu&events=ws://127.0.0.1:${WS_PORT}`);
    await expect(page.getByTestId('live-status')).toContainText(`live from ws://127.0.0.1:${WS_PORT}`, { timeout: 120_000 });

    const stream = await EventStream.connect({ url: nats.url });
    const raw = await connect({ servers: nats.url });
    try {
      await stream.publish(memoryWriteEvent('edge-a', 'write-1', 'note-1', 'l1', 3.5));
      raw.publish(`${EVENT_SUBJECT}.inference`, new TextEncoder().encode('{"id": "not an event"}'));
      raw.publish(`${EVENT_SUBJECT}.inference`, new Uint8Array(64 * 1024).fill(0x20));
      await stream.publish(memoryWriteEvent('edge-b', 'write-2', 'note-2', 'l2', 4.25));
      await raw.flush();
    } finally {
      await raw.close();
      await stream.close();
    }
    const rows = page.getByTestId('live-events').locator('tr');
    await expect(rows).toHaveCount(3);
    // Newest first.
    await expect(rows.nth(1)).toContainText('memory: stored note-2 in l2');
    await expect(rows.nth(1)).toContainText('edge-b');
    await expect(rows.nth(2)).toContainText('memory: stored note-1 in l1');
    await expect(page.getByTestId('live-status')).toContainText('2 shown, 2 malformed refused');
    expect(errors).toEqual([]);
  });

  test('a URL that is not ws:// or wss:// gets a plain error in the panel, and the app still answers', async ({ page }) => {
    await page.goto('/?backend=cpu&events=http://127.0.0.1:1');
    await expect(page.getByTestId('live-status')).toContainText("is not a NATS WebSocket URL (use ws://host:port", { timeout: 120_000 });
    await page.getByTestId('text').fill('remember that the boiler was serviced in May');
    await page.getByTestId('send').click();
    await expect(page.getByTestId('decision')).not.toBeEmpty({ timeout: 60_000 });
  });
});
