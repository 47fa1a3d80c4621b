// A seeded day of IDE-like traffic: working blocks made of quiet stretches (a few requests a
// minute: completions, a question now and then) and bursts of agent calls (an agent loop or
// two working through a task: tens to over a hundred requests a minute for a few minutes).

import { seededRandom } from '../../mocks/util.ts';

export interface TraceRequest {
  id: number;
  /** Epoch ms of arrival (simulated). */
  at: number;
  /** Prompt size the client would send; the limiter estimates tokens from it. */
  promptChars: number;
  maxTokens: number;
  /** Whether it arrived inside a burst. */
  burst: boolean;
}

export interface TraceOptions {
  seed: number;
  /** Epoch ms of the day's local midnight. */
  dayStart: number;
  /** Working blocks as [start, end] local hours. */
  blocks?: ReadonlyArray<[number, number]>;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DEFAULT_BLOCKS: ReadonlyArray<[number, number]> = [
  [9, 12.5],
  [13.5, 18],
  [20.5, 22.5],
];

function uniform(random: () => number, min: number, max: number): number {
  return min + random() * (max - min);
}

/** Exponential inter-arrival times: a Poisson process of `perMinute` requests a minute. */
function arrivals(random: () => number, from: number, to: number, perMinute: number): number[] {
  const out: number[] = [];
  const mean = MINUTE / perMinute;
  for (let t = from - Math.log(1 - random()) * mean; t < to; t -= Math.log(1 - random()) * mean) {
    out.push(Math.round(t));
  }
  return out;
}

/** Prompt sizes: mostly a few thousand characters, with a long tail of large contexts. */
function promptChars(random: () => number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.round(Math.min(60_000, Math.max(200, 3000 * Math.exp(0.9 * normal))));
}

export function generateTrace(options: TraceOptions): TraceRequest[] {
  const random = seededRandom(options.seed);
  const requests: TraceRequest[] = [];
  for (const [startHour, endHour] of options.blocks ?? DEFAULT_BLOCKS) {
    let t = options.dayStart + startHour * HOUR;
    const end = options.dayStart + endHour * HOUR;
    let burst = false;
    while (t < end) {
      const length = (burst ? uniform(random, 2, 10) : uniform(random, 8, 40)) * MINUTE;
      const perMinute = burst ? uniform(random, 20, 120) : uniform(random, 0.3, 3);
      const until = Math.min(end, t + length);
      for (const at of arrivals(random, t, until, perMinute)) {
        requests.push({
          id: requests.length,
          at,
          promptChars: promptChars(random),
          maxTokens: [256, 512, 1024, 2048][Math.floor(random() * 4)] as number,
          burst,
        });
      }
      t = until;
      burst = !burst;
    }
  }
  return requests;
}
