import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'docs/**', 'test-results/**', 'playwright-report/**', 'native/**', '.diag/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
    },
  },
  // Layering rules from DESIGN.md: only the thin shell imports electron; src-common stays pure.
  {
    files: ['src-common/**', 'sync/**', 'server/**', 'src-renderer/**', 'src-main/services/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    files: ['src-common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron', 'vue', 'vue-router', 'pinia', 'better-sqlite3', 'argon2', 'axios'], patterns: ['node:*'] },
      ],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron', 'better-sqlite3', 'argon2', 'axios'], patterns: ['node:*', '**/sync/**', '**/server/**', '**/src-main/**'] },
      ],
    },
  },
  prettier,
)
