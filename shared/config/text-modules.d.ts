/**
 * `ecr-warden.yml` is imported as data: at package time scripts/esbuild-plugins.cjs (and in jest
 * test/support/yaml-transform.cjs) parse the YAML and turn the file into a module whose default export
 * is the parsed, not yet validated, configuration.
 */
declare module '*.yml' {
  const data: unknown;
  export default data;
}
