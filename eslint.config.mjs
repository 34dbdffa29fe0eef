import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.node-red/**', 'nodes/**/*.html'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-namespace': 'off',
      // Node-RED node constructors conventionally keep `const node = this` for their callbacks
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node-red', '@node-red/*', 'node-red-*'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    ignores: ['resources/**'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // browser code the editor loads (docs/editor.md): plain scripts, jQuery and Node-RED's RED global
    files: ['resources/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { window: 'readonly', $: 'readonly', RED: 'readonly', setTimeout: 'readonly' } },
    rules: { strict: ['error', 'function'] },
  },
);
