'use strict';

/**
 * esbuild plugins of the Lambda bundles (serverless.yml `custom.esbuild.plugins`; serverless-esbuild
 * calls the exported function) and, for the config, of the demo bundle (scripts/build-demo.mjs).
 *
 * configDataPlugin: ecr-warden.yml is imported by shared/config/bundled-config.ts. This plugin loads it as the parsed YAML,
 * i.e. a JSON module: the function validates it with zod at cold start but ships no YAML parser (the
 * `yaml` package is about 115 KB of every bundle) and spends no init time parsing YAML. The resolver
 * (deploy/resolve-variables.cjs) has already validated the same file by then, so an invalid config
 * never reaches this point in `osls package`; a YAML error here still fails the build with its position.
 */

const { mkdir, readFile, writeFile } = require('node:fs/promises');
const { basename, dirname, join, relative, resolve } = require('node:path');
const { require: requireTypeScript } = require('tsx/cjs/api');

/** @returns {import('esbuild').Plugin} */
function configDataPlugin() {
  return {
    name: 'ecr-warden-config-data',
    setup(build) {
      build.onLoad({ filter: /\.yml$/ }, async (args) => {
        const { parseConfigYaml } = requireTypeScript('../shared/config/load-config.ts', __filename);
        const text = await readFile(args.path, 'utf8');
        try {
          const data = parseConfigYaml(text, basename(args.path));
          return { contents: JSON.stringify(data ?? null), loader: 'json', watchFiles: [args.path] };
        } catch (error) {
          return { errors: [{ text: error instanceof Error ? error.message : String(error) }] };
        }
      });
    },
  };
}

/**
 * lambdaCredentialsPlugin: every SDK client imports its default credential chain from
 * `@aws-sdk/credential-provider-node`; in a Lambda bundle that import resolves to
 * shared/aws/lambda-credentials.ts, the environment provider alone (that file says why it is enough).
 * @returns {import('esbuild').Plugin}
 */
function lambdaCredentialsPlugin() {
  const lambdaCredentials = join(__dirname, '..', 'shared', 'aws', 'lambda-credentials.ts');
  return {
    name: 'ecr-warden-lambda-credentials',
    setup(build) {
      build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
        path: lambdaCredentials,
      }));
    },
  };
}

/**
 * metafilePlugin: when ECR_WARDEN_METAFILE_DIR names a folder (deploy/package-stack.ts sets it), each
 * build also writes esbuild's metafile (every input with its bytes in the bundle, every import left
 * external) to `<folder>/<entry point>.meta.json`, e.g. `functions/cleanup-scheduler.meta.json`, for
 * the package tests (test/package/) to read what each bundle holds. Written outside esbuild's output
 * folder: serverless-esbuild zips everything there, and its own `metafile` option writes it there.
 * @returns {import('esbuild').Plugin}
 */
function metafilePlugin(folder = process.env.ECR_WARDEN_METAFILE_DIR) {
  return {
    name: 'ecr-warden-metafile',
    setup(build) {
      if (!folder) return;
      const entryPoints = Array.isArray(build.initialOptions.entryPoints)
        ? build.initialOptions.entryPoints
        : [];
      const [entry] = entryPoints;
      if (entryPoints.length !== 1 || typeof entry !== 'string') return;
      build.initialOptions.metafile = true;
      // serverless-esbuild's entry points are relative to the service (`functions/cleanup-worker.ts`);
      // one outside the working directory is named by its file name alone.
      const workingDir = build.initialOptions.absWorkingDir ?? process.cwd();
      const fromWorkingDir = relative(workingDir, resolve(workingDir, entry));
      const name = fromWorkingDir.startsWith('..') ? basename(entry) : fromWorkingDir;
      const target = join(folder, `${name.replace(/\.[cm]?[jt]s$/, '')}.meta.json`);
      build.onEnd(async (result) => {
        if (result.metafile === undefined) return;
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, JSON.stringify(result.metafile));
      });
    },
  };
}

/**
 * sdkPackageInfoPlugin: every AWS SDK v3 client imports its own package.json
 * (`import packageInfo from "../package.json"`, dist-es/runtimeConfig.js) and reads one field of it,
 * `packageInfo.version`, for the User-Agent header. A default JSON import bundles the whole file, its
 * scripts, dependencies and all: about 2 KB per client, 10 KB of the cleanup worker. This plugin loads
 * those files as `{ name, version }`, which is everything the SDK reads of them (the User-Agent it sends
 * is unchanged). A package.json that is not an `@aws-sdk/client-*` one is loaded as it is.
 */
function sdkPackageInfoPlugin() {
  return {
    name: 'ecr-warden-sdk-package-info',
    setup(build) {
      build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]package\.json$/ }, async (args) => {
        const { name, version } = JSON.parse(await readFile(args.path, 'utf8'));
        return { contents: JSON.stringify({ name, version }), loader: 'json' };
      });
    },
  };
}

module.exports = () => [
  configDataPlugin(),
  lambdaCredentialsPlugin(),
  sdkPackageInfoPlugin(),
  metafilePlugin(),
];
module.exports.configDataPlugin = configDataPlugin;
module.exports.lambdaCredentialsPlugin = lambdaCredentialsPlugin;
module.exports.metafilePlugin = metafilePlugin;
module.exports.sdkPackageInfoPlugin = sdkPackageInfoPlugin;
