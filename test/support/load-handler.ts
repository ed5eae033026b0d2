/**
 * One way for a test to load a handler from `functions/` as a new Lambda execution environment does:
 * a fresh module registry (fresh clients, logger, caches), the bundled config replaced by the test's own,
 * and the environment variables serverless.yml would give it set while the module loads.
 *
 * Why `jest.doMock` inside `jest.isolateModules` and not a file-level `jest.mock`: jest hoists `jest.mock`
 * above the imports, so its factory cannot see a per-test config; `doMock` is registered when called and
 * the isolated registry then builds `bundled-config` from it, so each load gets the config it was given.
 * One catch: a mock the file's own registry has already built (a file that also imports a handler
 * statically, through a file-level `jest.mock`) is reused by the isolated registry instead of the factory.
 * Such a file mocks `bundled-config` with `bundledConfigModule(itsDefault)` (./bundled-config-module.ts),
 * whose `loadBundledConfig` reads the config of the cold start under way first.
 */

import { bundledConfigModule, type ConfigDocument, duringColdStart } from './bundled-config-module';
import { type FunctionKey, HANDLER_FILES } from './function-keys';

export type { FunctionKey };

/**
 * What Lambda and serverless.yml give every function, with the tests' values: spread into `env`, beside
 * the function's own variables (its table, queue or role). AWS_REGION is what Lambda sets: the
 * module-level clients find their region in it. Logs are silenced (the log calls still run) and metrics
 * disabled, unless a test asks otherwise.
 */
export const LAMBDA_TEST_ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  DEPLOYMENT_ACCOUNT_ID: '123456789012',
  EVENT_BUS_NAME: 'ecr-warden-test',
  POWERTOOLS_SERVICE_NAME: 'ecr-warden',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_NAMESPACE: 'ecr-warden',
  POWERTOOLS_METRICS_DISABLED: 'true',
} as const;

// biome-ignore lint/suspicious/noExplicitAny: each test states the event and result types it expects
export type LoadedHandler = (event: any, context: any) => Promise<any>;

export interface LoadHandlerOptions {
  /** What ecr-warden.yml says for this test: its YAML text, or the document as an object. */
  config: ConfigDocument;
  /**
   * Variables set before the module loads and restored after the current test; `undefined` unsets one
   * (to check the cold-start error that names it).
   */
  env?: Record<string, string | undefined>;
  /**
   * Runs in the new registry just before the handler module loads: `require` the SDK or the logger there to
   * mock or spy on the copies the handler will use (aws-sdk-client-mock patches one copy of a client class).
   */
  beforeLoad?: () => void;
  /**
   * 'isolated' (the default): a new module registry, as a new execution environment. 'test-file': the
   * test file's own registry, loaded once (in `beforeAll`), so that what the file mocks at its level (the
   * registry simulator's patched SDK clients, `mockClient(EventBridgeClient)`) is what the handler uses;
   * its variables are then restored after the file rather than after the test.
   */
  moduleRegistry?: 'isolated' | 'test-file';
}

const restoreAfterTest: Array<() => void> = [];
const restoreAfterFile: Array<() => void> = [];

afterEach(() => {
  for (const restore of restoreAfterTest.splice(0).reverse()) restore();
});
afterAll(() => {
  for (const restore of restoreAfterFile.splice(0).reverse()) restore();
});

function setEnvironment(env: Record<string, string | undefined>): void {
  const previous = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const assign = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  assign(env);
  // Set in a hook of the whole file (beforeAll), they hold for the file; set in a test, for the test.
  const inTest = expect.getState().currentTestName !== undefined;
  (inTest ? restoreAfterTest : restoreAfterFile).push(() => assign(previous));
}

/**
 * Loads `functions/<file of name>` in a new execution environment and returns its `handler`. An error the
 * module throws at load (an invalid config, a missing variable) is thrown from here, as Lambda's init fails.
 */
export function loadHandler<H = LoadedHandler>(name: FunctionKey, options: LoadHandlerOptions): H {
  const { config } = options;
  if (options.env !== undefined) setEnvironment(options.env);
  let handler: H | undefined;
  const load = () => {
    jest.doMock('../../shared/config/bundled-config', () => bundledConfigModule(config));
    options.beforeLoad?.();
    ({ handler } = require(`../../functions/${HANDLER_FILES[name]}`) as { handler: H });
  };
  duringColdStart(config, () =>
    options.moduleRegistry === 'test-file' ? load() : jest.isolateModules(load),
  );
  if (handler === undefined) throw new Error(`functions/${HANDLER_FILES[name]} has no handler`);
  return handler;
}
