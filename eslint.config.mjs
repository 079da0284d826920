// Lint: typescript-eslint's recommended rules, and the library boundaries (a library is reached only
// through its `#name` entry point, never by a relative path into its folder).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'infra/kafka/target/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(libs/)?[a-z-]+/src(/|$)',
              message: "Import a library by its name ('#domain', '#event-store', ...), not by a path into it.",
            },
            {
              regex: '^#[a-z-]+/(?!testing$|views$)',
              message:
                "A library has one entry point ('#name', and '#name/testing' for specs, '#name/views' for types alone).",
            },
          ],
        },
      ],
    },
  },
  {
    // Specs and benchmarks read untyped JSON bodies and stub clients.
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts', '**/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['libs/domain/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: {
      // The domain is pure: time comes in as data.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'The domain takes time as data.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The domain takes time as data.',
        },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(node:|#)', message: 'The domain is pure TypeScript: no I/O, no other library.' }] },
      ],
    },
  },
);
