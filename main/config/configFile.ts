import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseConfigText } from '../../app/config/parse.ts';
import { defaultConfig, type Config } from '../../app/config/schema.ts';

const SCHEMA_REF = './config.schema.json';

export class ConfigFileError extends Error {
  readonly errors: string[];
  constructor(path: string, errors: string[]) {
    super(`The config file ${path} is not valid:\n  ${errors.join('\n  ')}`);
    this.name = 'ConfigFileError';
    this.errors = errors;
  }
}

/** The text we write for a config: stable key order from the schema, two-space indent, newline. */
export function serializeConfig(config: Config): string {
  return `${JSON.stringify({ $schema: SCHEMA_REF, ...config }, null, 2)}\n`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Writes a file so that a reader sees the old or the new content, never a torn one: a temp file
 * in the same folder, flushed to disk, then renamed over the target. Mode 0600: the config names
 * where keys live, and nobody else on the machine needs to read it.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export type ConfigEvents = {
  change: [config: Config];
  invalid: [errors: string[]];
};

/**
 * The live config: loaded and validated at start, written atomically, and reloaded when the
 * file is edited by hand. An invalid edit is reported through `invalid` and the last good
 * config stays in force.
 */
export class ConfigStore extends EventEmitter<ConfigEvents> {
  readonly path: string;
  #current: Config;
  #lastText: string;
  #lastErrors: string[] = [];
  #watcher: FSWatcher | undefined;
  #reloadTimer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  /** Counts write() calls, so a reload can tell that a write started while it was reading. */
  #writes = 0;

  private constructor(path: string, config: Config, text: string) {
    super();
    this.path = path;
    this.#current = config;
    this.#lastText = digest(text);
  }

  /** Opens the config at `path`, creating a default one if there is none. Throws ConfigFileError if invalid. */
  static async open(path: string): Promise<ConfigStore> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const config = defaultConfig();
      text = serializeConfig(config);
      await writeFileAtomic(path, text);
      return new ConfigStore(path, config, text);
    }
    const parsed = parseConfigText(text);
    if (!parsed.ok) throw new ConfigFileError(path, parsed.errors);
    const store = new ConfigStore(path, parsed.config, text);
    if (parsed.migratedFrom !== parsed.config.version) await store.write(parsed.config);
    return store;
  }

  get current(): Config {
    return this.#current;
  }

  /** The problems of the last hand edit that was refused, or [] when the file on disk is live. */
  get lastErrors(): readonly string[] {
    return this.#lastErrors;
  }

  /**
   * The one way the config is written: `change` runs on the config as every earlier write left
   * it, one write at a time, and its result is written atomically. Callers validate inside
   * `change` (throwing refuses the change and writes nothing). A write that bypassed this queue
   * (PUT /admin/config once did) raced the read-modify-writes of the key and route endpoints,
   * and one of the two was lost.
   */
  update(change: (current: Config) => Config): Promise<Config> {
    this.#writes++;
    const run = this.#writing.then(async () => {
      const config = change(this.#current);
      const text = serializeConfig(config);
      this.#lastText = digest(text);
      await writeFileAtomic(this.path, text);
      this.#current = config;
      this.#lastErrors = [];
      this.emit('change', config);
      return config;
    });
    this.#writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Replaces the whole config (validated by the caller), in turn with every other write. */
  async write(config: Config): Promise<void> {
    await this.update(() => config);
  }

  /** Starts watching the file for hand edits. The folder is watched, since an editor's save may replace the file. */
  watch(): void {
    if (this.#watcher) return;
    const name = basename(this.path);
    this.#watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
      if (file !== null && file !== name) return;
      clearTimeout(this.#reloadTimer);
      this.#reloadTimer = setTimeout(() => void this.reload(), 75);
    });
  }

  /** Reads the file again; applies it if valid and changed, reports it if not. */
  async reload(): Promise<void> {
    // A reload that read the file while our own write was in flight would see the previous
    // content, take it for a hand edit and put a stale config back in force: wait for the write,
    // and drop what was read if a write began after this reload did (it announces its own change).
    const writes = this.#writes;
    await this.#writing.catch(() => undefined);
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.#report([`(file): could not read ${this.path}: ${(err as Error).message}`]);
      return;
    }
    if (this.#writes !== writes) return;
    const hash = digest(text);
    if (hash === this.#lastText) return;
    this.#lastText = hash;
    const parsed = parseConfigText(text);
    if (!parsed.ok) {
      this.#report(parsed.errors);
      return;
    }
    this.#current = parsed.config;
    this.#lastErrors = [];
    this.emit('change', parsed.config);
  }

  #report(errors: string[]): void {
    this.#lastErrors = errors;
    this.emit('invalid', errors);
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    clearTimeout(this.#reloadTimer);
  }
}
