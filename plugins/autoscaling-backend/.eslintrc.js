module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // The benchmark talks to the terminal on purpose.
      files: ['bench/**', 'bin/**'],
      rules: { 'no-console': 'off' },
    },
  ],
});
