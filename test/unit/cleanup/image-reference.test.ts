// Image references as workloads and container runtimes report them: ECS and Lambda
// (ContainerDefinition.image, FunctionCodeLocation), Kubernetes pod specs and the `imageID` of a
// container status (Docker's `docker-pullable://`, containerd's `<repository>@sha256:…` or bare
// `sha256:…`; kubernetes/kubernetes#34473, #95968, containerd/containerd#8408). Hosts:
// https://docs.aws.amazon.com/general/latest/gr/ecr.html.
import fc from 'fast-check';
import {
  type EcrImageReference,
  formatEcrImageReference,
  isImageReference,
  parseEcrImageReference,
  readImageId,
  referencesRepository,
} from '../../../shared/cleanup/image-reference';

const account = fc.stringMatching(/^\d{12}$/);
const region = fc.constantFrom(
  'us-east-1',
  'eu-west-1',
  'ap-southeast-2',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
);
const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,8})?$/);
const repositoryName = fc.array(component, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const digest = fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`);

const reference: fc.Arbitrary<EcrImageReference> = fc.oneof(
  fc.record({ registryId: account, region, repositoryName, tag }),
  fc.record({ registryId: account, region, repositoryName, digest }),
);

/** Every host form of one registry: standard, FIPS, dual-stack (and dual-stack FIPS). */
function hostsOf(registryId: string, where: string): string[] {
  const suffix = where.startsWith('cn-') ? '.amazonaws.com.cn' : '.amazonaws.com';
  return [
    `${registryId}.dkr.ecr.${where}${suffix}`,
    `${registryId}.dkr.ecr-fips.${where}${suffix}`,
    `${registryId}.dkr-ecr.${where}.on.aws`,
    `${registryId}.dkr-ecr-fips.${where}.on.aws`,
  ];
}

describe('image references', () => {
  it('reads back what it formats, by tag or by digest', () => {
    fc.assert(
      fc.property(reference, (ref) => {
        expect(parseEcrImageReference(formatEcrImageReference(ref))).toEqual(ref);
      }),
    );
  });

  it('reads every host form of a registry, with or without a runtime prefix, to the same image', () => {
    fc.assert(
      fc.property(reference, fc.constantFrom('', 'docker-pullable://', 'docker://'), (ref, prefix) => {
        const image = ref.digest === undefined ? `:${ref.tag}` : `@${ref.digest}`;
        for (const host of hostsOf(ref.registryId, ref.region)) {
          expect(parseEcrImageReference(`${prefix}${host}/${ref.repositoryName}${image}`)).toEqual(ref);
        }
      }),
    );
  });

  it('lets the digest win over the tag when a reference names both', () => {
    fc.assert(
      fc.property(account, region, repositoryName, tag, digest, (registryId, where, name, t, dig) => {
        const parsed = parseEcrImageReference(`${hostsOf(registryId, where)[0]}/${name}:${t}@${dig}`);
        expect(parsed).toEqual({ registryId, region: where, repositoryName: name, digest: dig });
      }),
    );
  });

  it('never matches a repository of another account or region, or of another registry', () => {
    fc.assert(
      fc.property(reference, account, region, (ref, otherAccount, otherRegion) => {
        fc.pre(otherAccount !== ref.registryId || otherRegion !== ref.region);
        const image = ref.digest === undefined ? `:${ref.tag}` : `@${ref.digest}`;
        for (const host of hostsOf(otherAccount, otherRegion)) {
          const parsed = parseEcrImageReference(`${host}/${ref.repositoryName}${image}`);
          expect(parsed === undefined ? false : referencesRepository(parsed, ref)).toBe(false);
        }
        // Other registries: public ECR, Docker Hub, a mirror that copies an ECR host into its path.
        for (const other of [
          `public.ecr.aws/${ref.repositoryName}${image}`,
          `docker.io/${ref.repositoryName}${image}`,
          `mirror.example.com/${hostsOf(ref.registryId, ref.region)[0]}/${ref.repositoryName}${image}`,
          `${ref.registryId}.dkr.ecr.${ref.region}.amazonaws.com.evil.example/${ref.repositoryName}${image}`,
        ]) {
          expect(parseEcrImageReference(other)).toBeUndefined();
        }
      }),
    );
  });

  it('reads a container status imageID in the forms runtimes report', () => {
    const dig = `sha256:${'a'.repeat(64)}`;
    const host = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
    const image = {
      registryId: '123456789012',
      region: 'us-east-1',
      repositoryName: 'payments/api',
      digest: dig,
    };

    expect(readImageId(`docker-pullable://${host}/payments/api@${dig}`)).toEqual({
      kind: 'reference',
      reference: image,
    });
    expect(readImageId(`${host}/payments/api@${dig}`)).toEqual({ kind: 'reference', reference: image });
    expect(readImageId(dig)).toEqual({ kind: 'no-registry' });
    expect(readImageId(`docker://${dig}`)).toEqual({ kind: 'no-registry' });
    expect(readImageId(`docker.io/library/nginx@${dig}`)).toEqual({ kind: 'other-registry' });
    expect(readImageId('')).toEqual({ kind: 'empty' });
  });

  it('tells image references of any registry from text that is none', () => {
    for (const valid of [
      'nginx',
      'nginx:1.27',
      'library/nginx:1.27-alpine',
      'localhost:5000/team/app:v1',
      `ghcr.io/org/app@sha256:${'b'.repeat(64)}`,
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/api:v1@sha256:${'c'.repeat(64)}`,
      `docker-pullable://123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/api@sha256:${'c'.repeat(64)}`,
    ]) {
      expect(isImageReference(valid)).toBe(true);
    }
    for (const invalid of [
      '',
      ' ',
      'Payments/API:v1',
      'nginx:',
      'nginx@',
      'a b',
      'repo:tag:tag2',
      'ghcr.io//x',
    ]) {
      expect(isImageReference(invalid)).toBe(false);
    }
  });
});
