/**
 * A stand-in for `shared/config/bundled-config` in tests, apart from ./load-handler.ts because a mock
 * factory may first require it in the middle of a test, where load-handler's afterEach hook could not
 * be registered.
 */

/** What ecr-warden.yml says for a test: its YAML text, or the document as an object. */
export type ConfigDocument = string | Record<string, unknown>;

// On globalThis, not in a module variable: a mock factory first run inside jest.isolateModules gets its
// own copy of this module, and must still see the cold start under way.
const COLD_START = Symbol.for('ecr-warden.test.coldStartConfig');
type Holder = { [COLD_START]?: { document: ConfigDocument } };

function parseTestConfig(document: ConfigDocument): unknown {
  const { parseConfig, parseConfigText } =
    require('../../shared/config/load-config') as typeof import('../../shared/config/load-config');
  return typeof document === 'string'
    ? parseConfigText(document, 'ecr-warden.yml (test)')
    : parseConfig(document);
}

/**
 * The module `bundled-config` becomes: the config of the `loadHandler` call under way, else `fallback`
 * (for the handlers a file imports statically). As a file-level mock factory:
 * `jest.mock('…/shared/config/bundled-config', () => require('…/support/bundled-config-module').bundledConfigModule({…}))`.
 */
export function bundledConfigModule(fallback: ConfigDocument): { loadBundledConfig: () => unknown } {
  return {
    loadBundledConfig: () =>
      parseTestConfig(((globalThis as Holder)[COLD_START] ?? { document: fallback }).document),
  };
}

/** Runs `load` with `document` as the config every `bundledConfigModule` answers meanwhile. */
export function duringColdStart(document: ConfigDocument, load: () => void): void {
  (globalThis as Holder)[COLD_START] = { document };
  try {
    load();
  } finally {
    delete (globalThis as Holder)[COLD_START];
  }
}
