import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { MetricsQuerySchema, RequestLogQuerySchema } from '../../../app/admin/contract.ts';
import { DatabaseError, MIGRATIONS, openDatabase } from '../../../main/store/database.ts';
import { queryMetrics } from '../../../main/store/metricsQueries.ts';
import { listRequests } from '../../../main/store/requestLogQueries.ts';
import { spendSince } from '../../../main/store/spendToday.ts';
import { tempFolderPerTest } from './scratchStore.ts';

const folder = tempFolderPerTest('db');

const pragma = (db: DatabaseSync, name: string) =>
  Object.values(db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown>)[0];

describe('openDatabase', () => {
  it('creates a WAL database with incremental auto-vacuum at the newest schema', () => {
    const db = openDatabase(folder.path);
    expect(pragma(db, 'journal_mode')).toBe('wal');
    expect(pragma(db, 'auto_vacuum')).toBe(2);
    expect(pragma(db, 'user_version')).toBe(MIGRATIONS.at(-1)!.version);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    expect(tables).toEqual([
      'attempts',
      'bodies',
      'discovered_models',
      'key_state',
      'limiter_snapshot',
      'model_flags',
      'model_listings',
      'quota_journal',
      'requests',
      'rollups',
      'spend',
      'stored_responses',
    ]);
    db.close();
  });

  it('upgrades a version-1 log, keeping its rows and backfilling the chart rollups from them', () => {
    const old = openDatabase(folder.path, MIGRATIONS.slice(0, 1));
    expect(pragma(old, 'user_version')).toBe(1);
    const now = Date.parse('2026-03-01T12:00:00Z');
    const insertRequest = old.prepare(
      `INSERT INTO requests (request_id, started_at, kind, inbound, requested_model, route, provider, key_id, model,
         status, total_ms, streamed, hedged, client_aborted, attempts)
       VALUES (?, ?, 'chat', 'openai', 'fast', 'fast', 'groq', 'groq-1', 'llama', ?, ?, 1, 0, 0, 1)`,
    );
    const insertAttempt = old.prepare(
      `INSERT INTO attempts (request, idx, started_at, provider, model, key_id, status, outcome, total_ms,
         first_token_ms, tokens_out, hedged, cost)
       VALUES (?, 0, ?, 'groq', 'llama', 'groq-1', ?, ?, ?, 100, 40, 0, 0.25)`,
    );
    for (let i = 0; i < 10; i++) {
      const failed = i === 9;
      const r = insertRequest.run(`r${i}`, now - i * 1000, failed ? 429 : 200, 500 + i * 10);
      insertAttempt.run(
        r.lastInsertRowid,
        now - i * 1000,
        failed ? 429 : 200,
        failed ? 'failed' : 'ok',
        500 + i * 10,
      );
    }
    old.close();

    const db = openDatabase(folder.path);
    expect(pragma(db, 'user_version')).toBe(MIGRATIONS.at(-1)!.version);
    expect((db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n).toBe(10);
    const metrics = queryMetrics(db, MetricsQuerySchema.parse({ range: '15m' }), now);
    expect(metrics.series).toHaveLength(1);
    expect(metrics.series[0]!.group).toBe('groq');
    expect(metrics.series[0]!.total).toMatchObject({ count: 10, errors: 1, tokensOut: 400 });
    // Migration 6 backfills the spend totals from the attempts it finds.
    expect(spendSince(db, now - 3_600_000)).toEqual([{ route: 'fast', keyId: 'groq-1', usd: 2.5 }]);
    expect(metrics.series[0]!.total.latencyP50).toBeGreaterThan(500 * 0.95);
    expect(metrics.series[0]!.total.latencyP50).toBeLessThan(590 * 1.05);
    db.close();
  });

  it('upgrades a version-10 log: the ok/error filter loses its index and still finds its rows', () => {
    const indexes = (db: DatabaseSync) =>
      (
        db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests'")
          .all() as { name: string }[]
      ).map((i) => i.name);
    const old = openDatabase(folder.path, MIGRATIONS.slice(0, 10));
    expect(indexes(old)).toContain('requests_by_success');
    const insert = old.prepare(
      `INSERT INTO requests (request_id, started_at, kind, inbound, requested_model, status, total_ms, streamed, hedged, client_aborted, attempts)
       VALUES (?, ?, 'chat', 'openai', 'fast', ?, 10, 0, 0, 0, 0)`,
    );
    [200, 503, 200, 429].forEach((status, i) => insert.run(`r${i}`, 1000 + i, status));
    old.close();

    const db = openDatabase(folder.path);
    expect(pragma(db, 'user_version')).toBe(11);
    expect(indexes(db)).not.toContain('requests_by_success');
    expect(indexes(db)).toContain('requests_by_status');
    const ids = (status: 'ok' | 'error') =>
      listRequests(db, RequestLogQuerySchema.parse({ status }), 0).items.map((r) => r.id);
    expect(ids('error')).toEqual(['r3', 'r1']);
    expect(ids('ok')).toEqual(['r2', 'r0']);
    db.close();
  });

  it('refuses a database written by a newer Switchyard, saying what to do', () => {
    const raw = new DatabaseSync(folder.path);
    raw.exec('PRAGMA user_version = 99');
    raw.close();
    expect(() => openDatabase(folder.path)).toThrow(DatabaseError);
    expect(() => openDatabase(folder.path)).toThrow(
      /schema version 99, written by a newer Switchyard.*move the file aside/,
    );
  });

  it('rolls a failed migration back and leaves the version where it was', () => {
    openDatabase(folder.path, MIGRATIONS.slice(0, 1)).close();
    const broken = [
      ...MIGRATIONS.slice(0, 1),
      {
        version: 2,
        description: 'a step that fails half-way',
        up: (db: DatabaseSync) => {
          db.exec('CREATE TABLE half (x)');
          db.exec('THIS IS NOT SQL');
        },
      },
    ];
    expect(() => openDatabase(folder.path, broken)).toThrow(
      /to schema 2 \(a step that fails half-way\) failed/,
    );
    const db = new DatabaseSync(folder.path);
    expect(pragma(db, 'user_version')).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual(
      { n: 0 },
    );
    db.close();
  });

  it('explains a file that is not a database', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(folder.path, 'this is not sqlite'.repeat(100));
    expect(() => openDatabase(folder.path)).toThrow(/cannot be opened .*move the file aside/);
  });
});
