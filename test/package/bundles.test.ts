import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { PACKAGE_ROOT, SERVERLESS_DIR } from '../../deploy/package-stack';
import {
  artifactNameOf,
  bundleNameOf,
  bundleOutputOf,
  metafileOf,
  packagedFunctionKeys,
  packagedStack,
} from './packaged-stack';

/**
 * What each function ships. What is in a bundle (its size, its inputs, what it leaves to `require`)
 * comes from esbuild's metafile; the zip is opened only for what is the zip's own: which files it holds,
 * and the bundle and source map as Lambda loads them.
 */

// Today's bundles are 326-576 KB minified (bench/init-time.mjs): the 600 KB ceiling catches a YAML
// parser (115 KB), classic zod instead of zod/mini (about 60 KB: one classic import keeps it), zod's
// locales (all of them instead of `en` alone: 290 KB) or the SDK's full credential chain (100 KB)
// coming back, each of which init pays for on every cold start.
const BUNDLE_CEILING_BYTES = 600_000;

/** Requires a bundle may leave unresolved: optional packages the AWS SDK loads inside try/catch. */
const OPTIONAL_REQUIRES = new Set(['@aws-sdk/signature-v4-crt', 'aws-crt']);
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

const packageJson = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
/** The package a metafile input belongs to: `node_modules/@aws-sdk/core/dist/...` → `@aws-sdk/core`. */
function packageOf(input: string): string | undefined {
  const parts = input.split('node_modules/').at(-1)?.split('/') ?? [];
  if (!input.includes('node_modules/')) return undefined;
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

const { functions } = packagedStack();

test('there are bundles to check', () => {
  expect(packagedFunctionKeys()).not.toHaveLength(0);
});

describe.each(packagedFunctionKeys())('the bundle of %s', (key) => {
  const fn = functions[key] ?? { name: key, handler: '' };
  const bundleName = bundleNameOf(fn);
  const sourceName = bundleName.replace(/\.js$/, '.ts');
  const metafile = metafileOf(key);
  const output = metafile === undefined ? undefined : bundleOutputOf(metafile, bundleName);
  const inputs = Object.keys(output?.inputs ?? {});
  const zip = unzipSync(readFileSync(join(SERVERLESS_DIR, artifactNameOf(key, fn))));
  const code = Buffer.from(zip[bundleName] ?? new Uint8Array()).toString('utf8');

  it(`is built from ${sourceName} (its metafile's entry point)`, () => {
    expect(output?.entryPoint).toBe(sourceName);
  });

  it('is the bundle its metafile describes (same size as the one in the zip)', () => {
    expect(zip[bundleName]).toBeDefined();
    expect(zip[bundleName]?.length).toBe(output?.bytes);
  });

  it(`is at most ${BUNDLE_CEILING_BYTES / 1000} KB minified`, () => {
    expect(output?.bytes).toBeLessThanOrEqual(BUNDLE_CEILING_BYTES);
  });

  it('requires no package that it does not bundle (only node built-ins and optional SDK packages)', () => {
    const imports = output?.imports ?? [];
    expect(imports).not.toHaveLength(0);
    const unresolved = imports
      .filter((entry) => entry.external)
      .map((entry) => entry.path)
      .filter((path) => !BUILTINS.has(path) && !OPTIONAL_REQUIRES.has(path));
    expect([...new Set(unresolved)]).toEqual([]);
  });

  // What the packaging step converts at package time, and what only tests and the demo may use.
  it('bundles no YAML parser: ecr-warden.yml ships as JSON', () => {
    expect(inputs).not.toHaveLength(0);
    expect(inputs.filter((input) => packageOf(input) === 'yaml')).toEqual([]);
  });

  it('bundles no devDependency and nothing from local/ or test/', () => {
    expect(inputs).not.toHaveLength(0);
    const devDependencies = new Set(Object.keys(packageJson.devDependencies));
    expect(
      inputs.filter((input) => devDependencies.has(packageOf(input) ?? '') || /^(local|test)\//.test(input)),
    ).toEqual([]);
  });

  describe('zip', () => {
    const names = Object.keys(zip);

    it('holds no node_modules: everything is bundled', () => {
      expect(names).not.toHaveLength(0);
      expect(
        names.filter((name) => name.startsWith('node_modules/') || name.includes('/node_modules/')),
      ).toEqual([]);
    });

    it(`holds the bundle ${bundleName}`, () => {
      expect(names).toContain(bundleName);
    });

    it('holds a minified bundle (over 500 characters a line)', () => {
      expect(code.length / code.split('\n').length).toBeGreaterThan(500);
    });

    it('holds a bundle that ends with its sourceMappingURL comment', () => {
      expect(code).toMatch(/\/\/# sourceMappingURL=[^\n]+\.js\.map\s*$/);
    });

    it(`holds the source map ${bundleName}.map, which maps back to ${sourceName}`, () => {
      expect(names).toContain(`${bundleName}.map`);
      const map = JSON.parse(
        Buffer.from(zip[`${bundleName}.map`] ?? new Uint8Array()).toString('utf8') || '{}',
      );
      expect(map.version).toBe(3);
      expect(typeof map.mappings).toBe('string');
      expect(map.mappings).not.toBe('');
      expect((map.sources as string[] | undefined)?.some((source) => source.endsWith(sourceName))).toBe(true);
    });
  });
});
