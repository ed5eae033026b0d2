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

// What a container runtime may put before a reference it reports (a Pod's
// `status.containerStatuses[].imageID`): Docker (dockershim, cri-dockerd) reports the repository digest
// as `docker-pullable://<repository>@sha256:…` and, for an image it knows only by its local id,
// `docker://sha256:…` (kubernetes/kubernetes#34473, #95968); containerd and CRI-O report
// `<repository>@sha256:…` or, for an image without a repository digest, a bare `sha256:…`
// (containerd/containerd#8408).
const RUNTIME_PREFIXES = ['docker-pullable://', 'docker://'] as const;

/** The reference without a runtime's `docker-pullable://` or `docker://` prefix. */
export function stripRuntimePrefix(reference: string): string {
  for (const prefix of RUNTIME_PREFIXES) {
    if (reference.startsWith(prefix)) return reference.slice(prefix.length);
  }
  return reference;
}

/**
 * Reads an ECR image reference; `undefined` for anything that is not an ECR private image. A runtime's
 * `docker-pullable://` or `docker://` prefix is read past.
 */
export function parseEcrImageReference(text: string): EcrImageReference | undefined {
  const reference = stripRuntimePrefix(text);
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

/**
 * What a Pod container status's `imageID` says runs. `reference`: an image of an ECR private registry
 * (by digest, as runtimes report it); `other-registry`: an image of some other registry, which
 * protects nothing here; `no-registry`: a bare image id (`sha256:…`, `docker://sha256:…`), which names
 * no registry and so protects nothing (the caller warns: the spec's `image` is then all there is);
 * `empty`: not reported yet (a container still being created).
 */
export type ImageIdReading =
  | { kind: 'reference'; reference: EcrImageReference }
  | { kind: 'other-registry' }
  | { kind: 'no-registry' }
  | { kind: 'empty' };

export function readImageId(imageId: string): ImageIdReading {
  const bare = stripRuntimePrefix(imageId.trim());
  if (bare === '') return { kind: 'empty' };
  if (!bare.includes('/') && DIGEST.test(bare)) return { kind: 'no-registry' };
  const reference = parseEcrImageReference(bare);
  return reference === undefined ? { kind: 'other-registry' } : { kind: 'reference', reference };
}

/**
 * The registry host of an account and region in its standard form
 * (https://docs.aws.amazon.com/general/latest/gr/ecr.html): `.amazonaws.com.cn` in the China regions.
 */
export function ecrRegistryHost(registryId: string, region: string): string {
  return `${registryId}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/**
 * The reference as text, in the registry's standard host form: `host/repository@digest` when it names
 * a digest, else `host/repository:tag`. `parseEcrImageReference` reads it back to the same reference.
 */
export function formatEcrImageReference(reference: EcrImageReference): string {
  const repository = `${ecrRegistryHost(reference.registryId, reference.region)}/${reference.repositoryName}`;
  if (reference.digest !== undefined) return `${repository}@${reference.digest}`;
  return `${repository}:${reference.tag ?? DEFAULT_TAG}`;
}

// The grammar of an image reference (github.com/distribution/reference, reference.go):
// [domain[:port]/]path-component(/path-component)*[:tag][@digest]. A first component with a `.` or a
// `:`, or `localhost`, is the domain.
const DOMAIN = /^(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** Whether the text is an image reference of any registry (a runtime prefix is read past). */
export function isImageReference(text: string): boolean {
  let rest = stripRuntimePrefix(text);
  const at = rest.indexOf('@');
  if (at !== -1) {
    if (!DIGEST.test(rest.slice(at + 1))) return false;
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    if (!TAG.test(rest.slice(colon + 1))) return false;
    rest = rest.slice(0, colon);
  }
  const components = rest.split('/');
  const first = components[0] as string;
  if (components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!DOMAIN.test(first)) return false;
    components.shift();
  }
  return components.length > 0 && components.every((component) => PATH_COMPONENT.test(component));
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
