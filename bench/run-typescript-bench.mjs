// Runs one of the TypeScript benchmarks (bench/<name>.ts) the way every bench wrapper does: bundled with
// esbuild into bench/.data/<name>.js, run in a fresh node process, its JSON output parsed. Figures come
// from the caller; this only builds, runs and fails loudly.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';

const dataDir = join(import.meta.dirname, '.data');

/**
 * Bundles bench/<name>.ts into bench/.data/<name>.<js|mjs> and returns the bundle's path.
 * @param {string} name
 * @param {{ external?: string[], format?: 'cjs' | 'esm' }} [options]
 */
export async function bundleTypeScriptBench(name, { external = [], format = 'cjs' } = {}) {
  const bundle = join(dataDir, `${name}.${format === 'esm' ? 'mjs' : 'js'}`);
  await build({
    entryPoints: [join(import.meta.dirname, `${name}.ts`)],
    outfile: bundle,
    bundle: true,
    format,
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    external,
    logLevel: 'warning',
  });
  return bundle;
}

/**
 * @param {string} name bench/<name>.ts
 * @param {{ args?: string[], nodeArgs?: string[], external?: string[] }} [options]
 *   `external`: packages left to node_modules (dynalite loads leveldb bindings at run time).
 * @returns {Promise<any>} what the bench printed, parsed as JSON
 */
export async function runTypeScriptBench(name, { args = [], nodeArgs = [], external = [] } = {}) {
  const bundle = await bundleTypeScriptBench(name, { external });
  const child = spawnSync(process.execPath, [...nodeArgs, bundle, ...args], {
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`${name} bench failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}
