/**
 * The JSON preview of the bench's listing by both engines, in process: the columnar path the CLI
 * takes (writeListingPreviewJson) and the general
 * engine (readImageDetails, evaluateLifecyclePolicy, writePolicyPreviewJson). Run by bench/run.mjs
 * (bundled with esbuild); prints one JSON line: whether the bytes are identical, and their size.
 */
import { readFileSync } from 'node:fs';
import { type ImageRecord, readImageDetails } from '../shared/inventory/image-details';
import { writeListingPreviewJson } from '../shared/inventory/listing-preview';
import { evaluateLifecyclePolicy, parseLifecyclePolicy } from '../shared/lifecycle';
import { writePolicyPreviewJson } from '../shared/lifecycle/preview';

const [imagesPath, now, ...policyPaths] = process.argv.slice(2) as [string, string, ...string[]];
const text = readFileSync(imagesPath, 'utf8');
const nowMs = Date.parse(now);

function collected(write: (sink: (chunk: Uint8Array) => void) => void): Buffer {
  const chunks: Uint8Array[] = [];
  write((chunk) => chunks.push(chunk));
  return Buffer.concat(chunks);
}

const results = policyPaths.map((policyPath) => {
  const parsed = parseLifecyclePolicy(readFileSync(policyPath, 'utf8'));
  if (!parsed.ok) throw new Error(`${policyPath}: invalid policy`);
  const policy = parsed.policy;
  const columnar = collected((sink) =>
    writeListingPreviewJson(JSON.parse(text), policy, { now: nowMs }, sink),
  );
  const { images } = readImageDetails(JSON.parse(text));
  const general = collected((sink) =>
    writePolicyPreviewJson(evaluateLifecyclePolicy(policy, images, { now: nowMs }), sink, {
      pushedAtOf: (image) => (image as ImageRecord).detail.imagePushedAt as string | number,
    }),
  );
  return { policy: policyPath, identical: columnar.equals(general), bytes: columnar.length };
});
process.stdout.write(`${JSON.stringify(results)}\n`);
