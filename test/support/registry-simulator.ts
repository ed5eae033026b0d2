import type { InstalledSimulator } from '../../local/registry-sim/adapter/install';
import { createRegistrySimulator, type RegistrySimulator } from '../../local/registry-sim/simulator';

/** A fresh simulator and its installation (the SDK clients of the test file, patched). */
export interface SimulatedRegistry {
  sim: RegistrySimulator;
  env: InstalledSimulator;
}

/**
 * Before each test, a new registry simulator installed in place of ECR, ECS and Lambda, handed to
 * `receive` (the file keeps it in its own variables); after each test, the real clients back:
 * `let sim; let env; useRegistrySimulator((installed) => ({ sim, env } = installed));`
 */
export function useRegistrySimulator(receive: (installed: SimulatedRegistry) => void): void {
  let installed: SimulatedRegistry | undefined;
  beforeEach(() => {
    const sim = createRegistrySimulator();
    installed = { sim, env: sim.install() };
    receive(installed);
  });
  afterEach(() => {
    installed?.env.restore();
    installed = undefined;
  });
}

/** The error a call fails with (the test fails if it succeeds). */
export async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
