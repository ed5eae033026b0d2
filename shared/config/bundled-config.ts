import bundledConfigData from '../../ecr-warden.yml';
import type { EcrWardenConfig } from './schema';
import { parseConfig } from './validate-config';

/**
 * The configuration this bundle was built with.
 *
 * Why embed the file in the bundle rather than ship it next to the code and point an environment
 * variable at it: the config then cannot drift from the code it was validated with, no path has to be
 * right at run time (Lambda, the demo and jest all see the same import), and a config change changes
 * the code hash so the function is redeployed. At package time ecr-warden.yml is validated
 * (deploy/resolve-variables.cjs) and converted to JSON (scripts/esbuild-plugins.cjs), so the bundle
 * carries data and no YAML parser; it is validated again here, at cold start.
 */
export function loadBundledConfig(): EcrWardenConfig {
  return parseConfig(bundledConfigData, 'ecr-warden.yml (bundled)');
}
