import type { CodegenConfig } from '@graphql-codegen/cli';

// Operations are typed from the committed SDL: a schema change that breaks an operation fails
// `npm run build` (codegen validates every document, then tsc checks every use).
const config: CodegenConfig = {
  schema: '../../schema/homeroom.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { JSON: 'unknown', Upload: 'File' },
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
  hooks: {},
};

export default config;
