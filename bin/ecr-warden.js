#!/usr/bin/env node
// The CLI is bundled into dist/ by `npm ci` (the `prepare` script) or `npm run build`.
let cli;
try {
  cli = require.resolve('../dist/cli.js');
} catch {
  process.stderr.write('ecr-warden: the CLI is not built yet; run `npm ci` or `npm run build` first\n');
  process.exit(2);
}
try {
  require(cli);
} catch (error) {
  // The CLI reports its own errors; only a bundle that fails to load ends up here.
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  process.stderr.write(`ecr-warden: internal error: ${message}\n`);
  process.exitCode = 70;
}
