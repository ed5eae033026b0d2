#!/usr/bin/env node

// The CLI is bundled into dist/ by `npm ci` (the `prepare` script) or `npm run build`.
try {
  require.resolve('../dist/cli.js');
} catch {
  process.stderr.write('ecr-warden: the CLI is not built yet; run `npm ci` or `npm run build` first\n');
  process.exit(2);
}
require('../dist/cli.js');
