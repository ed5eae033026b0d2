import { createScanFindingsReader } from '../../../shared/aws/scan-findings-reader';
import { OBJECT_PROPERTY_NAMES } from '../../reliability/invalid-event';

/** An ECR client whose DescribeImageScanFindings fails with an error of this name (`__proto__` too). */
const failingWith = (name: string) => ({
  send: async () => {
    const error = new Error(`${name} (test)`);
    Object.defineProperty(error, 'name', { value: name });
    throw error;
  },
});
const request = { repositoryName: 'team-a/api', image: { imageDigest: `sha256:${'a'.repeat(64)}` } };

describe('createScanFindingsReader', () => {
  it('reports a scan that is not there as an outcome, not an error', async () => {
    const read = await createScanFindingsReader(failingWith('ScanNotFoundException')).read(request);

    expect(read).toEqual({ outcome: 'scan-not-found', message: 'ScanNotFoundException (test)' });
  });

  it.each(OBJECT_PROPERTY_NAMES)(
    'rethrows an error named %j instead of taking it for "not found"',
    async (name) => {
      await expect(createScanFindingsReader(failingWith(name)).read(request)).rejects.toMatchObject({ name });
    },
  );
});
