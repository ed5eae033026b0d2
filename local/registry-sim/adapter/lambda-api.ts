import {
  type AliasConfiguration,
  type FunctionConfiguration,
  GetFunctionCommand,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import type { LambdaFunction, LambdaState, LambdaVersion } from '../model/lambda';
import { type PageLimits, paginate } from '../model/pagination';
import { serviceError } from '../model/simulated-error';
import { type CallContext, defineRoute, type Route } from './route';

// Lambda list operations: MaxItems 1-10,000, but at most 50 items come back a page.
// https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html
// https://docs.aws.amazon.com/lambda/latest/api/API_ListVersionsByFunction.html
// https://docs.aws.amazon.com/lambda/latest/api/API_ListAliases.html
const LAMBDA_PAGE: PageLimits = {
  min: 1,
  max: 50,
  default: 50,
  clampAbove: 10_000,
  errorCode: 'InvalidParameterValueException',
  sizeField: 'MaxItems',
  tokenField: 'Marker',
};

const lambdaOf = (context: CallContext): LambdaState =>
  context.world.lambda(context.accountId, context.region);

/** Lambda prints LastModified as `2026-10-01T12:00:00.000+0000`. */
const lambdaTimestamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

function configuration(
  fn: LambdaFunction,
  version: LambdaVersion,
  qualifiedArn: boolean,
): FunctionConfiguration {
  return {
    FunctionName: fn.functionName,
    FunctionArn: qualifiedArn ? `${fn.functionArn}:${version.version}` : fn.functionArn,
    Role: fn.role,
    CodeSize: 0,
    Description: version.description,
    Timeout: version.timeout,
    MemorySize: version.memorySize,
    LastModified: lambdaTimestamp(version.lastModified),
    // For a container image function, CodeSha256 is the image digest's hex.
    CodeSha256: version.resolvedImageUri?.split('@sha256:')[1] ?? '',
    Version: version.version,
    PackageType: 'Image',
    State: 'Active',
    LastUpdateStatus: 'Successful',
    Architectures: [...version.architectures],
    RevisionId: version.revisionId,
  };
}

function aliasShape(
  fn: LambdaFunction,
  alias: LambdaFunction['aliases'] extends Map<string, infer A> ? A : never,
): AliasConfiguration {
  return {
    AliasArn: `${fn.functionArn}:${alias.name}`,
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    ...(alias.additionalVersionWeights === undefined
      ? {}
      : { RoutingConfig: { AdditionalVersionWeights: { ...alias.additionalVersionWeights } } }),
    RevisionId: alias.revisionId,
  };
}

export const lambdaRoutes: readonly Route[] = [
  /**
   * ListFunctions: the unpublished version of each function, or every version with
   * FunctionVersion=ALL; Marker / NextMarker paging.
   */
  defineRoute('lambda', ListFunctionsCommand, 'ListFunctions', (input, context) => {
    const lambda = lambdaOf(context);
    const all = input.FunctionVersion === 'ALL';
    if (input.FunctionVersion !== undefined && !all) {
      throw serviceError('InvalidParameterValueException', 'FunctionVersion must be ALL', { Type: 'User' });
    }
    const entries = [...lambda.functions.values()]
      .sort((a, b) => (a.functionName < b.functionName ? -1 : 1))
      .flatMap((fn) =>
        (all ? fn.versions : fn.versions.slice(0, 1)).map((version, index) => ({
          cursor: `${fn.functionName}\u0000${String(index).padStart(6, '0')}`,
          configuration: configuration(fn, version, all),
        })),
      );
    const page = paginate(
      entries,
      { maxResults: input.MaxItems, nextToken: input.Marker },
      {
        scope: `ListFunctions|${lambda.accountId}|${lambda.region}|${all ? 'ALL' : ''}`,
        limits: LAMBDA_PAGE,
        cursorOf: (entry) => entry.cursor,
      },
    );
    return {
      Functions: page.items.map((entry) => entry.configuration),
      ...(page.nextToken === undefined ? {} : { NextMarker: page.nextToken }),
    };
  }),

  /**
   * GetFunction: the configuration of the version a qualifier (version or alias) designates, and
   * for an image function `Code.ImageUri` with the digest Lambda resolved it to, `ResolvedImageUri`.
   * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
   */
  defineRoute('lambda', GetFunctionCommand, 'GetFunction', (input, context) => {
    const { fn, version, qualifier } = lambdaOf(context).resolve(input.FunctionName ?? '', input.Qualifier);
    const config = configuration(fn, version, false);
    if (qualifier !== undefined) config.FunctionArn = `${fn.functionArn}:${qualifier}`;
    return {
      Configuration: config,
      Code: {
        RepositoryType: 'ECR',
        ImageUri: version.imageUri,
        ...(version.resolvedImageUri === undefined ? {} : { ResolvedImageUri: version.resolvedImageUri }),
      },
      Tags: {},
    };
  }),

  defineRoute('lambda', ListVersionsByFunctionCommand, 'ListVersionsByFunction', (input, context) => {
    const lambda = lambdaOf(context);
    const { fn } = lambda.resolve(input.FunctionName ?? '', undefined);
    const entries = fn.versions.map((version, index) => ({ index, version }));
    const page = paginate(
      entries,
      { maxResults: input.MaxItems, nextToken: input.Marker },
      {
        scope: `ListVersionsByFunction|${fn.functionArn}`,
        limits: LAMBDA_PAGE,
        cursorOf: (entry) => entry.index,
      },
    );
    return {
      Versions: page.items.map((entry) => configuration(fn, entry.version, true)),
      ...(page.nextToken === undefined ? {} : { NextMarker: page.nextToken }),
    };
  }),

  defineRoute('lambda', ListAliasesCommand, 'ListAliases', (input, context) => {
    const lambda = lambdaOf(context);
    const { fn } = lambda.resolve(input.FunctionName ?? '', undefined);
    const aliases = [...fn.aliases.values()]
      .filter(
        (alias) => input.FunctionVersion === undefined || alias.functionVersion === input.FunctionVersion,
      )
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const page = paginate(
      aliases,
      { maxResults: input.MaxItems, nextToken: input.Marker },
      {
        scope: `ListAliases|${fn.functionArn}|${input.FunctionVersion ?? ''}`,
        limits: LAMBDA_PAGE,
        cursorOf: (alias) => alias.name,
      },
    );
    return {
      Aliases: page.items.map((alias) => aliasShape(fn, alias)),
      ...(page.nextToken === undefined ? {} : { NextMarker: page.nextToken }),
    };
  }),
];
