import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/store/database.ts';

const WRITER = fileURLToPath(new URL('./crashWriter.ts', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-crash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a process killed while writing the log', () => {
  it('loses nothing it acknowledged (the batch committed), and leaves no torn batch', async () => {
    const path = join(dir, 'switchyard.db');
    const child = spawn(process.execPath, [WRITER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    const acked = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (line) => {
        const match = /^ack (\d+)$/.exec(line);
        if (match) resolve(Number(match[1]));
        else reject(new Error(`unexpected line from the writer: ${line}`));
      });
      child.once('exit', () => reject(new Error('the writer exited before acknowledging')));
    });
    expect(acked).toBe(500);
    // Let it keep writing batches for a while, then kill it without warning.
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const db = openDatabase(path);
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    const ids = new Set(
      (db.prepare('SELECT request_id FROM requests').all() as { request_id: string }[]).map(
        (r) => r.request_id,
      ),
    );
    for (let i = 0; i < acked; i++) expect(ids.has(`r${i}`)).toBe(true);
    expect(ids.size).toBeGreaterThan(acked);
    const counts = db
      .prepare(
        'SELECT (SELECT count(*) FROM requests) AS requests, (SELECT count(*) FROM attempts) AS attempts',
      )
      .get() as { requests: number; attempts: number };
    expect(counts.attempts).toBe(counts.requests);
    const rolled = db
      .prepare(
        "SELECT sum(count) AS n FROM rollups WHERE res = 60000 AND model = '*' AND key_id = '*'",
      )
      .get() as { n: number };
    expect(rolled.n).toBe(counts.attempts);
    db.close();
  });
});
