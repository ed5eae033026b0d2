import { readdirSync } from 'node:fs';
import { metafileName, SERVERLESS_DIR } from '../../deploy/package-stack';
import { FUNCTION_KEYS } from '../support/function-keys';
import { artifactNameOf, packagedFunctionKeys, packagedStack } from './packaged-stack';

describe('osls package', () => {
  const { report, functions } = packagedStack();
  const zips = readdirSync(SERVERLESS_DIR).filter((name) => name.endsWith('.zip'));

  it('packages offline: nothing attempts a DNS lookup or a TCP connection', () => {
    expect(report.networkAttempts).toEqual([]);
  });

  it('packages exactly the six contract functions', () => {
    expect(packagedFunctionKeys().sort()).toEqual([...FUNCTION_KEYS].sort());
  });

  it('writes one zip artifact per function', () => {
    const expected = Object.entries(functions).map(([key, fn]) => artifactNameOf(key, fn));
    expect(expected).not.toHaveLength(0);
    expect(zips.sort()).toEqual(expected.sort());
  });

  it('writes each function a zip of its own (package.individually)', () => {
    const artifacts = Object.entries(functions).map(([key, fn]) => artifactNameOf(key, fn));
    expect(new Set(artifacts).size).toBe(artifacts.length);
  });

  it("writes each function's esbuild metafile beside its artifact", () => {
    const keys = packagedFunctionKeys();
    expect(keys).not.toHaveLength(0);
    expect(report.metafiles).toEqual(Object.fromEntries(keys.map((key) => [key, metafileName(key)])));
  });
});
