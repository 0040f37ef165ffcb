module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // Command-line entry points and benchmarks talk to the terminal on purpose.
      files: ['bench/**', 'src/cli/**', 'src/cli.ts', 'bin/**'],
      rules: { 'no-console': 'off' },
    },
  ],
});
