/**
 * `ecr-warden.yml` is imported as text: esbuild's `text` loader in serverless.yml (and the jest
 * transform in test/support/text-transform.cjs) turn the file into a module whose default export is
 * its content.
 */
declare module '*.yml' {
  const text: string;
  export default text;
}
