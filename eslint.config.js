// The layering of DESIGN.md as lint rules: a bad import fails CI with "Bad layering".
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

const layering = (why, patterns) => layeringOf([[why, patterns]]);

/**
 * One no-restricted-imports rule from several [why, patterns] pairs. Flat config does not merge
 * a rule across blocks: a later block for the same files replaces the earlier rule, so each
 * block of main/ states every pair that applies to its files.
 */
const layeringOf = (pairs) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: pairs.flatMap(([why, patterns]) =>
        patterns.map((group) => ({ group: [group], message: `Bad layering: ${why}` })),
      ),
    },
  ],
});

/** Import paths that reach the named folders of main/ (and not app/'s folders of the same name). */
const mainFolders = (names) =>
  names.flatMap((name) => [`../${name}/*`, `../../${name}/*`, `**/main/${name}/*`]);

const MAIN_NO_RENDERER = [
  'main/ never imports renderer/; share code through app/.',
  ['**/renderer/**'],
];
const MAIN_NO_ELECTRON = [
  'only main/electron/ imports electron; the engine runs in plain Node (see main/README.md).',
  ['electron', 'electron/*'],
];
const STATE_NO_ENGINE = [
  'main/store/ and main/keys/ hold state; they never import the engine, the proxy, the server or the admin API (those import them).',
  mainFolders(['engine', 'proxy', 'server', 'admin']),
];
const STORE_NO_KEYS = [
  'main/keys/ uses main/store/, never the reverse; the store owns the interfaces it implements.',
  mainFolders(['keys']),
];

const APP_WHY = 'app/ is the pure domain and imports only app/ (see app/README.md).';
const BROWSER_ONLY_GLOBALS = Object.keys(globals.browser).filter((name) => !(name in globals.node));

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'test-output', 'test/fixtures', 'resources/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['app/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      ...layering(APP_WHY, [
        '**/main/**',
        '**/renderer/**',
        'node:*',
        'electron',
        'undici',
        ...NODE_BUILTINS,
      ]),
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'navigator',
          'localStorage',
          'fetch',
          'process',
          'Buffer',
          'setTimeout',
          'setInterval',
          'require',
          '__dirname',
          ...BROWSER_ONLY_GLOBALS,
        ]
          .filter((name, i, all) => all.indexOf(name) === i)
          .map((name) => ({
            name,
            message: `Bad layering: ${APP_WHY} Pass I/O, time and randomness in.`,
          })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: `Bad layering: ${APP_WHY} Take the clock as a parameter.`,
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: `Bad layering: ${APP_WHY} Take the clock as a parameter.`,
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: `Bad layering: ${APP_WHY} Take randomness as a parameter.`,
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layering(
      'renderer/ talks to the engine only over the admin API; it never imports main/.',
      ['**/main/**', 'node:*', 'electron', ...NODE_BUILTINS],
    ),
  },
  {
    files: ['main/**/*.{ts,mts,mjs}'],
    rules: layeringOf([MAIN_NO_RENDERER, MAIN_NO_ELECTRON]),
  },
  {
    files: ['main/electron/**/*.{ts,mts,mjs}'],
    rules: layeringOf([MAIN_NO_RENDERER]),
  },
  {
    files: ['main/keys/**/*.ts'],
    rules: layeringOf([MAIN_NO_RENDERER, MAIN_NO_ELECTRON, STATE_NO_ENGINE]),
  },
  {
    files: ['main/store/**/*.ts'],
    rules: layeringOf([MAIN_NO_RENDERER, MAIN_NO_ELECTRON, STATE_NO_ENGINE, STORE_NO_KEYS]),
  },
  {
    files: ['test/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
