// Child process of durability.test.ts: records requests, commits a batch, prints "ack <n>" once
// that batch is committed, then keeps writing until it is killed.
import { openDatabase } from '../../../main/store/database.ts';
import { RequestLog } from '../../../main/store/requestLog.ts';
import { attempt, request } from './records.ts';

const path = process.argv[2]!;
const db = openDatabase(path);
const log = new RequestLog({
  db,
  settings: () => ({ logBodies: false, retentionDays: 30, retentionMaxMb: 512 }),
  pruneIntervalMs: 0,
  flushIntervalMs: 5,
  maxBatch: 50,
});
let n = 0;
const now = Date.now();
const next = () => {
  log.record(request(`r${n}`, now + n), [attempt(now + n)]);
  n++;
};
for (let i = 0; i < 500; i++) next();
process.stdout.write(`ack ${log.flush()}\n`);
setInterval(() => {
  for (let i = 0; i < 200; i++) next();
}, 1);
