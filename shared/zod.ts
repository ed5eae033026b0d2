import { en } from 'zod/locales';
import { config, type core } from 'zod/mini';

/**
 * The one zod import of shipped code: zod/mini, the tree-shakable functional build (classic zod's
 * schema classes carry every method and their JSON Schema processors into each bundle, about 95 KB).
 * zod/mini loads no locale, so its issues would read "Invalid input": English is configured here,
 * once, before any schema parses, and every schema module imports zod through this file so that
 * messages stay those of classic zod.
 * (`en` is imported by name: `locales.en` of zod/mini would bundle every locale, about 290 KB.)
 */
config(en());

export * from 'zod/mini';

/**
 * Reports an issue from inside `z.transform`, as classic zod's `ctx.addIssue` does there (zod/mini's
 * transform context has no `addIssue`): a custom issue on the transform's input.
 */
export function addTransformIssue(
  ctx: core.ParsePayload,
  issue: { code: 'custom'; message: string; path?: PropertyKey[] },
): void {
  ctx.issues.push({ input: ctx.value, ...issue });
}
