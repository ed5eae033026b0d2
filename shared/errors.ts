/**
 * Root of ecr-warden's error hierarchy. Every error the project throws on purpose extends it, names
 * itself (a literal, not `constructor.name`: minified bundles rename classes) so that logs and
 * Lambda's `errorType` say what went wrong, and passes the underlying error on as `cause`.
 */
export class EcrWardenError extends Error {
  override name = 'EcrWardenError';
}
