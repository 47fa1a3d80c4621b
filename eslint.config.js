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

const layering = (why, patterns) => ({
  'no-restricted-imports': [
    'error',
    { patterns: patterns.map((group) => ({ group: [group], message: `Bad layering: ${why}` })) },
  ],
});

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
    rules: layering('main/ never imports renderer/; share code through app/.', ['**/renderer/**']),
  },
  {
    files: ['test/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
