import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  // assembly/ is AssemblyScript (WebAssembly kernels), type-checked by its own compiler (asc)
  { ignores: ['dist/', 'clients/web/dist/', 'node_modules/', 'data/', 'coverage/', '**/*.py', 'assembly/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      // type information for the rules below (tsconfig.json: everything but the browser side)
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            '*.mjs',
            'bin/*.js',
            'proto/*.mjs',
            'test/fixtures/*.mjs',
            'clients/web/build.mjs',
          ],
        },
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // a promise nobody awaits or catches loses its errors; one passed where a void callback is
      // expected (event handlers, forEach) does too
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // the SDK also runs in browsers; the dashboard only there
    files: ['clients/sdk/**', 'clients/web/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // the browser side has its own program, the only one with the DOM library (tsconfig.web.json)
    files: ['clients/web/src/**/*.ts', 'benchmarks/scripts/dashboard-*.ts', 'test/e2e/dashboard.test.ts'],
    languageOptions: { parserOptions: { projectService: false, project: ['./tsconfig.web.json'] } },
  },
);
