import {
  DescribeRepositoriesCommand,
  ECRClient,
  paginateDescribeImages,
  paginateDescribeRepositories,
} from '@aws-sdk/client-ecr';
import type { InstalledSimulator } from '../../../local/registry-sim/adapter/install';
import { generateImages, generateRepositories } from '../../../local/registry-sim/data/generators';
import type { RegistrySimulator } from '../../../local/registry-sim/simulator';
import { useRegistrySimulator } from '../../support/registry-simulator';

let sim: RegistrySimulator;
let env: InstalledSimulator;
const ecr = new ECRClient({ region: 'us-east-1' });

useRegistrySimulator((installed) => ({ sim, env } = installed));

describe('large registries', () => {
  it('pages a 100,000-image repository through DescribeImages in exactly 100 calls of 1,000', async () => {
    generateImages(sim, { repositoryName: 'big/repo', count: 100_000 });

    let images = 0;
    const digests = new Set<string>();
    for await (const page of paginateDescribeImages(
      { client: ecr, pageSize: 1000 },
      { repositoryName: 'big/repo' },
    )) {
      images += page.imageDetails?.length ?? 0;
      for (const detail of page.imageDetails ?? []) digests.add(detail.imageDigest ?? '');
    }

    expect(images).toBe(100_000);
    expect(digests.size).toBe(100_000);
    expect(env.calls.count('DescribeImages')).toBe(100);
  });

  it('pages 5,000 repositories through DescribeRepositories in exactly 5 calls of 1,000', async () => {
    generateRepositories(sim, { count: 5000, prefix: 'team/service' });

    const names: string[] = [];
    for await (const page of paginateDescribeRepositories({ client: ecr, pageSize: 1000 }, {})) {
      names.push(...(page.repositories ?? []).map((r) => r.repositoryName ?? ''));
    }

    expect(new Set(names).size).toBe(5000);
    expect(env.calls.count('DescribeRepositories')).toBe(5);
  });

  it('refuses repositoryNames together with maxResults', async () => {
    generateRepositories(sim, { count: 2 });

    const error = await ecr
      .send(new DescribeRepositoriesCommand({ repositoryNames: ['service-0'], maxResults: 10 }))
      .catch((e: Error) => e);

    expect((error as Error).name).toBe('InvalidParameterException');
  });
});
