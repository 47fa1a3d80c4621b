// `npm test`: brings the system packages the suites need, then runs typecheck, lint, build and
// every test project inside a private, unlocked Secret Service, and ends with one summary.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

/** Debian packages the suites need, and a command that proves each is there. */
const SYSTEM_PACKAGES = [
  { pkg: 'chromium', bin: '/usr/bin/chromium', why: 'end-to-end tests drive Debian Chromium' },
  { pkg: 'dbus', bin: 'dbus-run-session', why: 'a private D-Bus session for the keychain tests' },
  { pkg: 'gnome-keyring', bin: 'gnome-keyring-daemon', why: 'the real Secret Service' },
  { pkg: 'libsecret-tools', bin: 'secret-tool', why: 'to prove the keyring is unlocked' },
  { pkg: 'xvfb', bin: 'xvfb-run', why: 'a display for the Electron launch test' },
  { pkg: 'xauth', bin: 'xauth', why: 'xvfb-run needs it' },
  { pkg: 'redis-server', bin: 'redis-server', why: 'team mode is tested against a real Redis' },
  { pkg: 'openssl', bin: 'openssl', why: 'a throw-away certificate for an HTTP/2 upstream' },
];

function has(bin) {
  if (bin.startsWith('/')) return existsSync(bin);
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((p) => !has(p.bin));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg);
  const command = `apt-get update && apt-get install -y --no-install-recommends ${names.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    console.error(
      `npm test needs these system packages: ${missing.map((p) => `${p.pkg} (${p.why})`).join(', ')}.`,
    );
    console.error(`Install them, then run npm test again:\n  sudo ${command}`);
    process.exit(1);
  }
  console.log(`Installing system packages the tests need: ${names.join(', ')}`);
  const result = spawnSync('sh', ['-c', command], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    console.error(`Installing failed. Run it yourself and try again:\n  ${command}`);
    process.exit(1);
  }
}

function run(label, command, args, env = {}) {
  console.log(`\n━━ ${label}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(
    `━━ ${label}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s`,
  );
  return ok;
}

/**
 * The conformance suite's real clients (Claude Code CLI, AI SDK, LangChain) live in their own
 * package so the app's dependencies stay lean; `npm ci` there whenever its lockfile is newer than
 * what is installed (a fresh clone has nothing installed).
 */
function conformanceClientsCurrent() {
  const lock = 'test/conformance/package-lock.json';
  const installed = 'test/conformance/node_modules/.package-lock.json';
  return existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs;
}

function inner() {
  mkdirSync('test-output', { recursive: true });
  const steps = [];
  if (!conformanceClientsCurrent()) {
    steps.push([
      'conformance clients',
      run('conformance clients', 'npm', [
        'ci',
        '--prefix',
        'test/conformance',
        '--no-audit',
        '--no-fund',
      ]),
    ]);
  }
  steps.push(['typecheck', run('typecheck', 'npm', ['run', '--silent', 'typecheck'])]);
  steps.push(['lint', run('lint', 'npm', ['run', '--silent', 'lint'])]);
  steps.push(['build', run('build', 'npm', ['run', '--silent', 'build'])]);
  const report = 'test-output/vitest.json';
  steps.push([
    'tests',
    run('tests', 'npx', [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ]),
  ]);

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed = json.numPassedTests;
    failed = json.numFailedTests;
    skipped = json.numPendingTests + json.numTodoTests;
  }
  const failedSteps = steps.filter(([, ok]) => !ok).map(([name]) => name);
  console.log('\n━━ Switchyard test summary');
  for (const [name, ok] of steps) console.log(`  ${ok ? '✓' : '✗'} ${name}`);
  if (skipped > 0) console.log(`  ${skipped} test(s) skipped: each says why in the output above.`);
  console.log(
    `summary: ${passed} passed, ${failed + failedSteps.length} failed, ${skipped} skipped`,
  );
  process.exit(failedSteps.length === 0 && failed === 0 ? 0 : 1);
}

if (process.argv.includes('--inner')) {
  inner();
} else {
  ensureSystemPackages();
  const result = spawnSync(
    'bash',
    ['test/withSecretService.sh', process.execPath, fileURLToPath(import.meta.url), '--inner'],
    {
      stdio: 'inherit',
    },
  );
  process.exit(result.status ?? 1);
}
