import { join } from 'node:path';
import { runLifecyclePreview } from './lifecycle-command';

const SAMPLE = join(__dirname, '..', 'examples', 'lifecycle');
// The sample registry's images are dated relative to this moment, so the demo never drifts.
const SAMPLE_NOW = '2026-11-01T00:00:00Z';

/** `npm run demo`: the lifecycle engine on the bundled sample repository, offline. */
export function runDemo(options: { json: boolean }, write: (text: string) => void): void {
  if (!options.json) {
    write(
      `ecr-warden demo: lifecycle preview of examples/lifecycle/policy.json on the sample repository\n` +
        `(examples/lifecycle/images.json, as of ${SAMPLE_NOW}; no AWS account involved)\n\n`,
    );
  }
  runLifecyclePreview(
    {
      policy: join(SAMPLE, 'policy.json'),
      images: join(SAMPLE, 'images.json'),
      manifests: join(SAMPLE, 'manifests.json'),
      now: SAMPLE_NOW,
      output: options.json ? 'json' : 'table',
    },
    write,
  );
}
