// typescript-eslint in its strict, type-checked configuration over the project's TypeScript
// (`npm run lint`, run by CI in .ci/run). Rules turned off or relaxed say why.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/**'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // node:test's describe/it/test/hooks return promises that the test runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{
          from: 'package', package: 'node:test',
          name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
        }],
      }],
      // Numbers, bigints (allowNumber covers them) and booleans print as intended in messages.
      '@typescript-eslint/restrict-template-expressions': ['error', {
        allowNumber: true, allowBoolean: true,
      }],
      // `x => void-call()` is the usual shorthand for a callback; the void it returns is never read.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `!` states an invariant the code has just checked or set (a Map entry just stored, a piped child's stream).
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
