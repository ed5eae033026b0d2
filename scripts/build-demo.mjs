// Bundles `npm run demo` (local/demo/run-demo.ts) as the Lambda bundles are built: esbuild with the
// config plugin of scripts/esbuild-plugins.cjs, so that the real handlers load their bundled config, here
// the demo's own config (local/demo/ecr-warden.demo.yml) in place of the repository's ecr-warden.yml.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const { configDataPlugin } = createRequire(import.meta.url)('./esbuild-plugins.cjs');

const demoConfig = resolve('local/demo/ecr-warden.demo.yml');

await build({
  entryPoints: ['local/demo/run-demo.ts'],
  outfile: 'dist/demo.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  sourcemap: true,
  // dynalite loads leveldb bindings at run time: leave it (a dev dependency) to node_modules.
  external: ['dynalite'],
  logLevel: 'warning',
  // Before any module runs (the shared logger and the SDK read these when loaded): handlers log
  // nothing over the report, metrics are not flushed to stdout, and the AWS SDK does not warn that
  // its 2027 releases will need Node 22.
  banner: {
    js: [
      "process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';",
      "process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';",
      "process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';",
    ].join(' '),
  },
  plugins: [
    configDataPlugin(),
    {
      name: 'demo-config',
      setup(builder) {
        builder.onResolve({ filter: /(^|\/)ecr-warden\.yml$/ }, () => ({ path: demoConfig }));
      },
    },
  ],
});
