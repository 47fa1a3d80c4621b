import type { KeyAddResult, KeyView, RequestListItem } from '../../app/admin/types.ts';
import { shareLines, teamSummary } from '../../app/team/status.ts';
import { callEngine, CliError, findEngine } from './engineClient.ts';
import type { KeysArgs, StatusArgs } from './args.ts';
import { drawModelWatch, drawQuotaGauges } from './quotaGauges.ts';

/** Lines of left-aligned columns, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

function ms(value: number | null): string {
  if (value === null) return '–';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

function keyRows(keys: readonly KeyView[]): string[][] {
  return [
    ['id', 'provider', 'label', 'secret', 'tier', 'status'],
    ...keys.map((k) => [
      k.id,
      k.provider,
      k.label,
      k.source === 'env'
        ? `$${k.envName}${k.last4 ? ` …${k.last4}` : ''}`
        : `…${k.last4 ?? '????'}`,
      k.tier,
      k.status,
    ]),
  ];
}

function errorLine(r: RequestListItem): string {
  const time = new Date(r.startedAt).toISOString().slice(11, 19);
  const target = r.provider ? ` → ${r.provider}/${r.model ?? '?'}` : '';
  return `  ${time}  ${r.requestedModel}${target}  ${r.status}${r.failureClass ? ` ${r.failureClass}` : ''}${r.error ? `: ${r.error}` : ''}`;
}

/** `switchyard status`: the running engine's keychain, keys, last hour per provider and recent errors. */
export async function runStatus(
  args: StatusArgs,
  dataDir: string,
  width = 80,
  now: () => number = Date.now,
): Promise<string> {
  const engine = await findEngine(dataDir);
  const [status, keychain, keys, traffic, errors, quota, watch] = await Promise.all([
    callEngine(engine, 'status'),
    callEngine(engine, 'keychainStatus'),
    callEngine(engine, 'listKeys'),
    callEngine(engine, 'metrics', { query: { range: '1h', groupBy: 'provider' } }),
    callEngine(engine, 'listRequests', { query: { status: 'error', limit: '10' } }),
    callEngine(engine, 'quota'),
    callEngine(engine, 'modelWatch'),
  ]);
  if (args.json)
    return JSON.stringify({
      status,
      keychain,
      keys,
      traffic,
      errors: errors.items,
      quota,
      modelWatch: watch.modelWatch,
    });
  const lines = [
    `Switchyard ${status.version} at ${status.proxyUrl} (data: ${status.dataDir})`,
    `Keychain: ${keychain.state === 'ok' ? `ok (${keychain.backend})` : `${keychain.state}: ${keychain.message}`}`,
  ];
  if (status.team !== undefined) {
    lines.push(teamSummary(status.team), ...shareLines(status.team).map((l) => `  ${l}`));
  }
  if (status.configErrors.length > 0) {
    lines.push(`Config: your last edit was not applied:\n  ${status.configErrors.join('\n  ')}`);
  }
  lines.push(
    '',
    keys.length > 0
      ? `Keys:\n${indent(table(keyRows(keys)))}`
      : 'Keys: none yet (switchyard keys add --provider <id>)',
  );
  const busy = traffic.series.filter((s) => s.total.count > 0);
  lines.push(
    '',
    busy.length > 0
      ? `Last hour:\n${indent(
          table([
            ['provider', 'requests', 'errors', 'p50', 'p95', 'tokens/s'],
            ...busy.map((s) => [
              s.group,
              String(s.total.count),
              `${s.total.errors} ${errorBar(s.total.errors, s.total.count)}`,
              ms(s.total.latencyP50),
              ms(s.total.latencyP95),
              s.total.tokensPerSecond === null ? '–' : String(s.total.tokensPerSecond),
            ]),
          ]),
        )}`
      : 'Last hour: no requests.',
  );
  const flagged = drawModelWatch(watch.modelWatch, width);
  if (flagged.length > 0) lines.push('', ...flagged);
  lines.push('', ...drawQuotaGauges(quota, now(), width));
  if (errors.items.length > 0) lines.push('', 'Recent errors:', ...errors.items.map(errorLine));
  if (errors.droppedRows > 0)
    lines.push(`(the request log dropped ${errors.droppedRows} rows under load)`);
  return lines.join('\n');
}

/** A ten-cell gauge of the error share. */
function errorBar(errors: number, count: number): string {
  const filled = count === 0 ? 0 : Math.round((errors / count) * 10);
  return `[${'#'.repeat(filled)}${'.'.repeat(10 - filled)}]`;
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}

/** `switchyard keys …`. `readSecret` supplies the secret for `add` (stdin or a hidden prompt). */
export async function runKeys(
  args: KeysArgs,
  dataDir: string,
  readSecret: (prompt: string) => Promise<string>,
): Promise<{ text: string; failed: boolean }> {
  const engine = await findEngine(dataDir);
  if (args.action === 'list') {
    const keys = await callEngine(engine, 'listKeys');
    if (args.json) return { text: JSON.stringify(keys), failed: false };
    return { text: keys.length > 0 ? table(keyRows(keys)) : 'No keys yet.', failed: false };
  }
  if (args.action === 'add') {
    let added: KeyAddResult;
    if (args.env !== undefined) {
      added = await callEngine(engine, 'addKey', {
        body: { provider: args.provider, label: args.label, tier: args.tier, env: args.env },
      });
    } else {
      const secret = (await readSecret(`Paste the ${args.provider} key (input hidden): `)).trim();
      if (secret === '') throw new CliError('No secret was given; nothing was added.');
      added = await callEngine(engine, 'addKey', {
        body: { provider: args.provider, label: args.label, tier: args.tier, secret },
      });
    }
    const { key, test } = added;
    return {
      text: `Added ${key.id} (${key.provider}, "${key.label}", ${key.source === 'env' ? `$${key.envName}` : `…${key.last4}`}). Test: ${test.outcome}: ${test.message}`,
      failed: false,
    };
  }
  if (args.action === 'rm') {
    await callEngine(engine, 'deleteKey', { params: { id: args.id } });
    return { text: `Removed ${args.id} and its secret.`, failed: false };
  }
  const { test } = await callEngine(engine, 'testKey', { params: { id: args.id }, body: {} });
  return {
    text: `${args.id}: ${test.outcome}${test.latencyMs !== null ? ` in ${ms(test.latencyMs)}` : ''}: ${test.message}`,
    failed: test.outcome !== 'ok' && test.outcome !== 'skipped',
  };
}

/**
 * The secret for `keys add`: all of stdin when it is piped, else typed at a prompt that echoes
 * nothing. Never argv: that lands in shell history and the process list.
 */
export async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').trim();
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          reject(new CliError('Cancelled; nothing was added.'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
