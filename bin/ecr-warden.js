#!/usr/bin/env node
// The CLI is bundled into dist/ by `npm ci` (the `prepare` script) or `npm run build`: ES module
// chunks behind dist/cli.mjs (scripts/build-cli.mjs).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const cli = join(__dirname, '..', 'dist', 'cli.mjs');
if (!existsSync(cli)) {
  process.stderr.write('ecr-warden: the CLI is not built yet; run `npm ci` or `npm run build` first\n');
  process.exit(2);
}
import(pathToFileURL(cli).href).catch((error) => {
  // The CLI reports its own errors; only a bundle that fails to load ends up here.
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  process.stderr.write(`ecr-warden: internal error: ${message}\n`);
  process.exitCode = 70;
});
