import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { PACKAGING_REPORT, type PackagingReport, SERVERLESS_DIR } from '../../deploy/package-stack';
import {
  asArray,
  type CloudFormationResource,
  type CloudFormationTemplate,
  isRecord,
  propertiesOf,
  resourcesOfType,
} from '../../deploy/template-guard/cloudformation';

/**
 * What `deploy/package-stack.ts` left in `.serverless/` (the package tests' jest globalSetup runs it
 * once per jest run): the CloudFormation template, osls's resolved service, the packaging report, and
 * each function's artifact and esbuild metafile. Read once per test file.
 */

/** A function as osls resolved it (serverless-state.json `service.functions`). */
export interface PackagedFunction {
  name: string;
  handler: string;
  events?: Record<string, unknown>[];
  package?: { artifact?: string };
}

export interface PackagedStack {
  template: CloudFormationTemplate;
  resources: Record<string, CloudFormationResource>;
  /** `service` of serverless.yml: `ecr-warden`. */
  service: string;
  stage: string;
  functions: Record<string, PackagedFunction>;
  report: PackagingReport;
}

const readJson = (name: string): unknown => JSON.parse(readFileSync(join(SERVERLESS_DIR, name), 'utf8'));

let loaded: PackagedStack | undefined;
export function packagedStack(): PackagedStack {
  if (loaded !== undefined) return loaded;
  const template = readJson('cloudformation-template-update-stack.json') as CloudFormationTemplate;
  const state = readJson('serverless-state.json') as {
    service: { service: string; functions?: Record<string, PackagedFunction> };
  };
  const report = JSON.parse(readFileSync(PACKAGING_REPORT, 'utf8')) as PackagingReport;
  loaded = {
    template,
    resources: template.Resources ?? {},
    service: state.service.service,
    stage: report.stage,
    functions: state.service.functions ?? {},
    report,
  };
  return loaded;
}

/** The function keys osls packaged, in serverless.yml's order. */
export const packagedFunctionKeys = (): string[] => Object.keys(packagedStack().functions);

/** osls's logical-id prefix of a function key: `cleanupWorker` → `CleanupWorker`. */
export const normalizedName = (key: string): string =>
  `${key.charAt(0).toUpperCase()}${key.slice(1)}`.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');

export const lambdaLogicalId = (key: string): string => `${normalizedName(key)}LambdaFunction`;

export const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** A resource's properties (an empty object when it has none or is missing). */
export const propertiesOfResource = (logicalId: string): Record<string, unknown> =>
  propertiesOf(packagedStack().resources[logicalId]);

export const byType = (type: string): [string, CloudFormationResource][] =>
  resourcesOfType(packagedStack().template, type);

/** The value at a path of nested records and arrays; undefined where the path leaves the data. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = isRecord(current) ? current[step] : undefined;
  }
  return current;
}

/** Deep equality as the template holds it: key order included (the JSON text osls writes). */
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export { asArray, isRecord };

/** The EventBridge rules whose targets include the resource `Fn::GetAtt [logicalId, Arn]`. */
export const rulesTargeting = (logicalId: string): [string, CloudFormationResource][] =>
  byType('AWS::Events::Rule').filter(([, rule]) =>
    asArray(propertiesOf(rule).Targets).some((target) => same(at(target, 'Arn'), getAtt(logicalId))),
  );

/** The SQS event source mappings that invoke a function. */
export const mappingsOf = (functionLogicalId: string): Record<string, unknown>[] =>
  byType('AWS::Lambda::EventSourceMapping')
    .map(([, mapping]) => propertiesOf(mapping))
    .filter((props) => same(props.FunctionName, getAtt(functionLogicalId)));

/** A function's bundle as Lambda loads it: the handler's file, `functions/cleanup-worker.js`. */
export const bundleNameOf = (fn: PackagedFunction): string =>
  `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.js`;

/** The artifact osls deploys for a function: `.serverless/<key>.zip` (package.individually). */
export const artifactNameOf = (key: string, fn: PackagedFunction): string =>
  (fn.package?.artifact ?? `${key}.zip`).split('/').at(-1) ?? `${key}.zip`;

/** esbuild's metafile of a function's bundle (deploy/package-stack.ts puts it beside the zip). */
export function metafileOf(key: string): Metafile | undefined {
  const name = packagedStack().report.metafiles[key];
  return name === undefined ? undefined : (readJson(name) as Metafile);
}

/** The metafile's entry for the bundle itself (not its source map). */
export function bundleOutputOf(metafile: Metafile, bundleName: string) {
  const entry = Object.entries(metafile.outputs).find(([path]) => path.endsWith(`/${bundleName}`));
  return entry === undefined ? undefined : { path: entry[0], ...entry[1] };
}
