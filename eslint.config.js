// Lint gate: zero warnings allowed (`eslint --max-warnings 0`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders that make up the engine: they must run in a browser or worker, so no Node imports. */
const ENGINE = [
  'src/kernels/**',
  'src/index/**',
  'src/quantization/**',
  'src/payload/**',
  'src/segment/**',
  'src/collection/**',
  'src/db/**',
  'src/api/**',
  'src/storage/**',
  'src/errors.ts',
  'src/index.ts',
];

const NODE_BUILTINS = [
  'assert',
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'inspector',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'stream/promises',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
];

/** Packages that only run on Node. */
const NODE_ONLY_PACKAGES = [
  'fastify',
  '@fastify/*',
  'pino',
  'pino-*',
  'prom-client',
  'undici',
  'yaml',
  'smol-toml',
  'hnswlib-node',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.tmp/**',
      'src/api/qdrant-schema.ts',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        queueMicrotask: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        WebAssembly: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ENGINE,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*'],
              message:
                'The engine must run in a browser: no Node built-ins here. Put Node code in an adapter (src/node/, src/server/, src/cli/).',
            },
            {
              group: NODE_BUILTINS,
              message: 'The engine must run in a browser: no Node built-ins here.',
            },
            {
              group: NODE_ONLY_PACKAGES,
              message: 'The engine must run in a browser: no Node-only packages here.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The engine must run in a browser: no `process` here.' },
        { name: 'Buffer', message: 'The engine must run in a browser: use Uint8Array.' },
        { name: 'require', message: 'ESM only.' },
        { name: '__dirname', message: 'ESM only, and no Node paths in the engine.' },
      ],
    },
  },
);
