import { createInUseCache } from '../../../shared/cleanup/workload-cache';
import type { InUseSource } from '../../../shared/inuse/in-use-picture';

describe('createInUseCache', () => {
  it('composes and reads the sources once for the whole batch, however many repositories ask', async () => {
    let composed = 0;
    let reads = 0;
    const cache = createInUseCache(
      () => {
        composed++;
        return [
          {
            name: 'ecs:123456789012/us-east-1',
            read: async () => {
              reads++;
              return { uses: [], warnings: ['service web deploys a missing task definition'] };
            },
          },
        ];
      },
      { concurrency: 2 },
    );

    const pictures = await Promise.all([cache.picture(), cache.picture(), cache.picture()]);
    await cache.picture();

    expect(composed).toBe(1);
    expect(reads).toBe(1);
    expect(cache.reads()).toBe(1);
    expect(new Set(pictures).size).toBe(1);
    expect(cache.warnings()).toEqual([
      'ecs:123456789012/us-east-1: service web deploys a missing task definition',
    ]);
  });

  it('keeps a failed source failed for the rest of the invocation, so that every repository of the batch is held alike', async () => {
    let attempts = 0;
    const flaky: InUseSource = {
      name: 'kubernetes:prod-eks',
      read: async () => {
        attempts++;
        if (attempts === 1) throw Object.assign(new Error('Unauthorized'), { name: 'KubernetesApiError' });
        return { uses: [], warnings: [] };
      },
    };
    const cache = createInUseCache(() => [flaky], { concurrency: 1 });

    const first = await cache.picture();
    const second = await cache.picture();

    expect(attempts).toBe(1);
    expect(first.failures).toEqual([
      {
        source: 'kubernetes:prod-eks',
        reason: 'KubernetesApiError: Unauthorized',
        errorName: 'KubernetesApiError',
      },
    ]);
    expect(second.failures).toEqual(first.failures);
  });
});
