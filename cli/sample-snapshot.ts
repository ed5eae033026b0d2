import type { RegistrySimulator } from '../local/registry-sim';
import { CliError } from './errors';

/**
 * A snapshot in the registry simulator's sample format (local/sample-data/sample-registry.json), loaded
 * into a new simulator so that the command reads it through its live code path and the file answers
 * exactly as ECR would. The simulator (and the SDK mocks it installs) is loaded only here: it is no part
 * of a live run.
 */
export async function loadSampleSnapshot(path: string, document: unknown): Promise<RegistrySimulator> {
  const { createRegistrySimulator, SampleFormatError } = await import('../local/registry-sim');
  const simulator = createRegistrySimulator();
  try {
    simulator.loadSample(document as Parameters<typeof simulator.loadSample>[0]);
  } catch (error) {
    if (error instanceof SampleFormatError)
      throw new CliError(`snapshot file ${path} is invalid: ${error.message}`);
    throw error;
  }
  return simulator;
}
