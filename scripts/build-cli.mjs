// Bundles the CLI into one file so that `npx ecr-warden` starts in milliseconds: no TypeScript
// compiler at run time, no module resolution across hundreds of files. `npm ci` runs this through
// the `prepare` script.
import { build } from 'esbuild';

await build({
  entryPoints: ['cli/bin.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // ES module builds first: jsonc-parser's UMD build loads its parts with a dynamic require that
  // a bundle cannot follow.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
