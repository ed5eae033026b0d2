import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BUNDLE_FLAGS } from '../../../deploy/bundle-defines';

/**
 * What deploy/resolve-variables.cjs hands serverless.yml for the in-use sources of cleanup.protect: the
 * worker's extra statements, the EKS access entries, the VPC, the bundle flags and the workload-reader
 * role template. Run in a child process, as osls runs the resolver (CommonJS, TypeScript through tsx).
 */
/** The six in-use source flags of deploy/bundle-defines.ts, all set to `value`. */
const inUseFlags = (value: string) =>
  Object.fromEntries(Object.values(BUNDLE_FLAGS).map((flag) => [flag, value]));

const RESOLVER = join(__dirname, '..', '..', '..', 'deploy', 'resolve-variables.cjs');
const LOAD_CONFIG = join(__dirname, '..', '..', '..', 'shared', 'config', 'load-config.ts');
const STACK = {
  service: 'ecr-warden',
  stage: 'prod',
  region: 'us-east-1',
  alarmDefaults: { lambda: {}, queueDepth: {} },
};

function resolve(protect: string): Record<string, unknown> {
  const config = `cleanup:\n  protect:\n${protect}\n  rules:\n    - repositories: ["team-a/*"]\n      policy: native\n`;
  const script = [
    `const { require: load } = require('tsx/cjs/api');`,
    `const { parseConfigText } = load(${JSON.stringify(LOAD_CONFIG)}, ${JSON.stringify(RESOLVER)});`,
    `const config = parseConfigText(${JSON.stringify(config)}, 'test.yml');`,
    `const out = require(${JSON.stringify(RESOLVER)}).resolveVariables(${JSON.stringify(STACK)}, config);`,
    `const { cleanupWorkerIamStatements, inUseResources, cleanupWorkerVpc, bundleDefines, workloadReaderTemplate } = out;`,
    `process.stdout.write(JSON.stringify({ cleanupWorkerIamStatements, inUseResources, cleanupWorkerVpc, bundleDefines, workloadReaderTemplate }));`,
  ].join('\n');
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

const actionsOf = (statements: unknown) =>
  (statements as { Action: string[] }[]).flatMap((statement) => statement.Action);

describe('the in-use variables of serverless.yml', () => {
  it('adds nothing for a config that reads only ECS and Lambda: no entry, no VPC, no reader bundled, no template', () => {
    const resolved = resolve('    taskDefinitionRevisions: 3');

    expect(
      actionsOf(resolved.cleanupWorkerIamStatements).filter(
        (action) => !/^(ecr|ecs|lambda|events|dynamodb):/.test(action),
      ),
    ).toEqual([]);
    expect(resolved.inUseResources).toEqual({});
    expect(resolved.cleanupWorkerVpc).toBeNull();
    expect(resolved.bundleDefines).toEqual({
      ...inUseFlags('false'),
      ECR_WARDEN_BUNDLE_ORGANIZATION: 'false',
    });
    expect(resolved.workloadReaderTemplate).toBeNull();
  });

  it('turns every source of cleanup.protect into its statements, access entry, VPC, bundle flag and reader role', () => {
    const resolved = resolve(
      [
        '    kubernetes:',
        '      clusters: [prod-eks]',
        '      vpc: { subnetIds: [subnet-0123456789abcdef0], securityGroupIds: [sg-0123456789abcdef0] }',
        '    workloadAccounts: [{ account: "222222222222", regions: [us-east-1], kubernetesClusters: [payments] }]',
        '    batch: true',
        '    appRunner: true',
        '    external: [{ source: argocd-prod, bucket: gitops-lists, key: prod.json }]',
        '    inspectorInUseDays: 30',
      ].join('\n'),
    );

    expect(actionsOf(resolved.cleanupWorkerIamStatements)).toEqual(
      expect.arrayContaining([
        'eks:DescribeCluster',
        'sts:AssumeRole',
        'batch:DescribeJobDefinitions',
        'apprunner:ListServices',
        'apprunner:DescribeService',
        's3:GetObject',
        'inspector2:ListCoverage',
      ]),
    );
    expect(actionsOf(resolved.cleanupWorkerIamStatements)).not.toContain('eks:ListClusters');
    expect(Object.values(resolved.inUseResources as object)).toEqual([
      expect.objectContaining({
        Type: 'AWS::EKS::AccessEntry',
        Properties: expect.objectContaining({ ClusterName: 'prod-eks' }),
      }),
    ]);
    expect(resolved.cleanupWorkerVpc).toEqual({
      subnetIds: ['subnet-0123456789abcdef0'],
      securityGroupIds: ['sg-0123456789abcdef0'],
    });
    expect(resolved.bundleDefines).toEqual({
      ...inUseFlags('true'),
      ECR_WARDEN_BUNDLE_ORGANIZATION: 'false',
    });
    const template = resolved.workloadReaderTemplate as { Resources: Record<string, { Type: string }> };
    expect(Object.values(template.Resources).map((resource) => resource.Type)).toContain('AWS::IAM::Role');
  });

  it('refuses an external list key that IAM would read as a wildcard', () => {
    expect(() =>
      resolve('    external: [{ source: lists, bucket: gitops-lists, key: "prod/*.json" }]'),
    ).toThrow(/must not contain \* or \?/);
  });
});
