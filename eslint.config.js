import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.turbo/**',
      '.data/**',
      'coverage/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read the environment only in packages/config.',
        },
      ],
    },
  },
  {
    // The dashboard's browser app (DOM lib, JSX) and its Vite config have their own TypeScript projects.
    files: ['packages/dashboard/web/**/*.{ts,tsx}', 'packages/dashboard/vite.config.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./packages/dashboard/web/tsconfig.json', './packages/dashboard/tsconfig.vite.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // The n8n community node: a CommonJS package with its own TypeScript project, and n8n's own rules for
    // community packages, credentials and node descriptions.
    files: ['packages/n8n-nodes-platen/**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: './packages/n8n-nodes-platen/tsconfig.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['packages/n8n-nodes-platen/src/credentials/**/*.ts'],
    plugins: { 'n8n-nodes-base': n8nNodesBase },
    rules: {
      ...n8nNodesBase.configs.credentials.rules,
      // It wants n8n's own camelCase doc slugs; a community credential links a full URL (the rule above).
      'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
    },
  },
  {
    files: ['packages/n8n-nodes-platen/src/nodes/**/*.ts'],
    plugins: { 'n8n-nodes-base': n8nNodesBase },
    rules: n8nNodesBase.configs.nodes.rules,
  },
  {
    files: [
      'packages/config/src/**',
      // A process's entry point hands its environment to packages/config; tests build child environments.
      'services/*/src/main.ts',
      'packages/mcp-server/src/main.ts',
      'services/*/src/cli.ts',
      'services/*/test/**',
      '**/*.test.ts',
      'test/**',
      'infra/**',
      'packages/testing/src/**',
      'packages/local-stack/src/**',
      // Runs before node_modules exists, so it cannot reach packages/config.
      'scripts/**',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
