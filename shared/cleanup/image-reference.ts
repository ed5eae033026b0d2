/**
 * Image references as ECS and Lambda hold them, read well enough to tell which ECR repository and
 * which image they point at.
 *
 * ECS container definitions name an image `repository-url/image:tag` or `repository-url/image@digest`;
 * for ECR that is `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>` or `...@sha256:<64 hex>`
 * (ContainerDefinition.image,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html). A reference
 * without a tag or digest means the tag `latest` (Docker's default). Lambda's `Code.ImageUri` has the
 * same form and `Code.ResolvedImageUri` is the digest form
 * (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCodeLocation.html).
 */
export interface EcrImageReference {
  registryId: string;
  region: string;
  repositoryName: string;
  /** Set when the reference names a tag (and has no digest). */
  tag?: string;
  /** Set when the reference names a digest (`sha256:...`); it wins over a tag. */
  digest?: string;
}

/** Where a repository lives: the three parts an image reference must match to point into it. */
export interface RepositoryLocation {
  registryId: string;
  region: string;
  repositoryName: string;
}

// ECR private registry hosts (https://docs.aws.amazon.com/general/latest/gr/ecr.html):
// `<account>.dkr.ecr.<region>.amazonaws.com`, `-fips` variants, `.amazonaws.com.cn` in China, and the
// dual-stack `<account>.dkr-ecr.<region>.on.aws`.
const ECR_HOST =
  /^(\d{12})\.(?:dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|dkr-ecr(?:-fips)?\.([a-z0-9-]+)\.on\.aws)$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const DEFAULT_TAG = 'latest';

/** Reads an ECR image reference; `undefined` for anything that is not an ECR private image. */
export function parseEcrImageReference(reference: string): EcrImageReference | undefined {
  const slash = reference.indexOf('/');
  if (slash <= 0) return undefined;
  const host = ECR_HOST.exec(reference.slice(0, slash));
  if (host === null) return undefined;
  const [, registryId, region, dualStackRegion] = host;

  let rest = reference.slice(slash + 1);
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  // A `:` after the last `/` starts the tag; `repository:tag@digest` keeps the digest, which is
  // what a runtime pulls when both are given.
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (tag === '') return undefined;
  }
  if (rest === '') return undefined;
  const parsed: EcrImageReference = {
    registryId: registryId as string,
    region: (region ?? dualStackRegion) as string,
    repositoryName: rest,
  };
  if (digest !== undefined) parsed.digest = digest;
  else parsed.tag = tag ?? DEFAULT_TAG;
  return parsed;
}

/** Whether the reference points into the repository at `location`. */
export function referencesRepository(reference: EcrImageReference, location: RepositoryLocation): boolean {
  return (
    reference.repositoryName === location.repositoryName &&
    reference.registryId === location.registryId &&
    reference.region === location.region
  );
}

/**
 * A repository's location from its describe-repositories entry: the `repositoryUri` host names the
 * account and region; without one, `registryId` and the snapshot's region are used.
 */
export function locateRepository(
  repository: { repositoryName: string; repositoryUri?: string; registryId?: string },
  fallback: { account: string; region: string },
): RepositoryLocation {
  const fromUri =
    repository.repositoryUri === undefined
      ? undefined
      : parseEcrImageReference(`${repository.repositoryUri}:${DEFAULT_TAG}`);
  return {
    registryId: fromUri?.registryId ?? repository.registryId ?? fallback.account,
    region: fromUri?.region ?? fallback.region,
    repositoryName: repository.repositoryName,
  };
}
