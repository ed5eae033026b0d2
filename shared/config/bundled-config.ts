import configText from '../../ecr-warden.yml';
import { parseConfigText } from './load-config';
import type { EcrWardenConfig } from './schema';

/**
 * The configuration this bundle was built with.
 *
 * Why embed the file in the bundle (esbuild `text` loader) rather than ship it next to the code and
 * point an environment variable at it: the config then cannot drift from the code it was validated
 * with, no path has to be right at run time (Lambda, serverless-offline and jest all see the same
 * import), and a config change changes the code hash so the function is redeployed. The same file is
 * validated at package time (scripts/resolve-warden-config.cjs) and again here at cold start.
 */
export function loadBundledConfig(): EcrWardenConfig {
  return parseConfigText(configText, 'ecr-warden.yml (bundled)');
}
