import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as z from '../../../shared/zod';

const ROOT = join(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

// One classic `import * as z from 'zod'` anywhere in a Lambda bundle keeps classic zod (about 60 KB)
// in it, and zod/mini imported around shared/zod.ts would parse without the English locale.
describe('zod in shipped code', () => {
  it('is imported through shared/zod.ts only', () => {
    const direct = ['functions', 'shared', 'cli']
      .flatMap(sourceFiles)
      .filter((file) => file !== join('shared', 'zod.ts'))
      .filter((file) => /from 'zod(\/[^']*)?'/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(direct).toEqual([]);
  });

  it('reports classic zod English messages', () => {
    const result = z.string().check(z.minLength(2)).safeParse('a');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'Too small: expected string to have >=2 characters',
    ]);
  });

  it('reports an issue from a transform as classic ctx.addIssue does', () => {
    const schema = z.object({
      size: z.pipe(
        z.unknown(),
        z.transform((value, ctx) => {
          z.addTransformIssue(ctx, { code: 'custom', path: ['unit'], message: 'must name a unit' });
          return value;
        }),
      ),
    });
    const result = schema.safeParse({ size: 3 }, { reportInput: true });
    expect(result.error?.issues).toEqual([
      { code: 'custom', path: ['size', 'unit'], message: 'must name a unit', input: 3 },
    ]);
  });
});
