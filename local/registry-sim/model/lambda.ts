import type { RandomSource } from './seeded-random';
import { serviceError } from './simulated-error';

/**
 * The slice of AWS Lambda that tells which images are in use: container-image functions, their
 * published versions and aliases. Lambda resolves the image tag to a digest when code is deployed
 * and reports it in `Code.ResolvedImageUri`.
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
 * https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCodeLocation.html
 */
export interface LambdaVersion {
  version: string;
  imageUri: string;
  resolvedImageUri: string | undefined;
  lastModified: number;
  description: string;
  memorySize: number;
  timeout: number;
  architectures: ('x86_64' | 'arm64')[];
  revisionId: string;
}

export interface LambdaAlias {
  name: string;
  functionVersion: string;
  description: string;
  /** Weighted routing to a second version. */
  additionalVersionWeights: Record<string, number> | undefined;
  revisionId: string;
}

export interface LambdaFunction {
  functionName: string;
  functionArn: string;
  role: string;
  /** `$LATEST` first, then published versions in order. */
  versions: LambdaVersion[];
  aliases: Map<string, LambdaAlias>;
}

export class LambdaState {
  readonly functions = new Map<string, LambdaFunction>();

  constructor(
    readonly accountId: string,
    readonly region: string,
    private readonly random: RandomSource,
  ) {}

  createFunction(input: {
    functionName: string;
    imageUri: string;
    resolvedImageUri: string | undefined;
    at: number;
    memorySize?: number;
    timeout?: number;
    architectures?: ('x86_64' | 'arm64')[];
    description?: string;
  }): LambdaFunction {
    if (this.functions.has(input.functionName)) {
      throw serviceError('ResourceConflictException', `Function already exist: ${input.functionName}`);
    }
    const fn: LambdaFunction = {
      functionName: input.functionName,
      functionArn: `arn:aws:lambda:${this.region}:${this.accountId}:function:${input.functionName}`,
      role: `arn:aws:iam::${this.accountId}:role/${input.functionName}-role`,
      versions: [
        {
          version: '$LATEST',
          imageUri: input.imageUri,
          resolvedImageUri: input.resolvedImageUri,
          lastModified: input.at,
          description: input.description ?? '',
          memorySize: input.memorySize ?? 512,
          timeout: input.timeout ?? 30,
          architectures: input.architectures ?? ['x86_64'],
          revisionId: this.uuid(),
        },
      ],
      aliases: new Map(),
    };
    this.functions.set(fn.functionName, fn);
    return fn;
  }

  /** UpdateFunctionCode: `$LATEST` points at a new image (resolved to its digest now). */
  updateFunctionCode(
    functionName: string,
    imageUri: string,
    resolvedImageUri: string | undefined,
    at: number,
  ): void {
    const latest = this.function(functionName).versions[0] as LambdaVersion;
    latest.imageUri = imageUri;
    latest.resolvedImageUri = resolvedImageUri;
    latest.lastModified = at;
    latest.revisionId = this.uuid();
  }

  /** PublishVersion: a numbered, immutable copy of `$LATEST`. */
  publishVersion(functionName: string, at: number, description = ''): LambdaVersion {
    const fn = this.function(functionName);
    const latest = fn.versions[0] as LambdaVersion;
    const version: LambdaVersion = {
      ...latest,
      architectures: [...latest.architectures],
      version: String(fn.versions.length),
      description,
      lastModified: at,
      revisionId: this.uuid(),
    };
    fn.versions.push(version);
    return version;
  }

  setAlias(input: {
    functionName: string;
    name: string;
    functionVersion: string;
    description?: string;
    additionalVersionWeights?: Record<string, number>;
  }): LambdaAlias {
    const fn = this.function(input.functionName);
    if (!fn.versions.some((v) => v.version === input.functionVersion)) {
      throw serviceError(
        'ResourceNotFoundException',
        `Function not found: ${fn.functionArn}:${input.functionVersion}`,
      );
    }
    const alias: LambdaAlias = {
      name: input.name,
      functionVersion: input.functionVersion,
      description: input.description ?? '',
      additionalVersionWeights: input.additionalVersionWeights,
      revisionId: this.uuid(),
    };
    fn.aliases.set(alias.name, alias);
    return alias;
  }

  function(name: string): LambdaFunction {
    const fn = this.functions.get(name);
    if (fn === undefined) {
      throw serviceError(
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`,
        { Type: 'User' },
      );
    }
    return fn;
  }

  /**
   * Resolves `FunctionName` (name, `name:qualifier`, ARN or partial ARN, possibly qualified) and an
   * optional `Qualifier` (version or alias) to a function and the version it designates.
   * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
   */
  resolve(
    functionName: string,
    qualifier: string | undefined,
  ): {
    fn: LambdaFunction;
    version: LambdaVersion;
    qualifier: string | undefined;
    alias: LambdaAlias | undefined;
  } {
    const { name, qualifier: embedded } = parseFunctionName(functionName);
    if (embedded !== undefined && qualifier !== undefined && embedded !== qualifier) {
      throw serviceError(
        'InvalidParameterValueException',
        'The derived qualifier from the function name does not match the specified qualifier.',
        { Type: 'User' },
      );
    }
    const fn = this.function(name);
    const q = qualifier ?? embedded;
    if (q === undefined || q === '$LATEST') {
      return { fn, version: fn.versions[0] as LambdaVersion, qualifier: q, alias: undefined };
    }
    const alias = fn.aliases.get(q);
    const versionName = alias?.functionVersion ?? q;
    const version = fn.versions.find((v) => v.version === versionName);
    if (version === undefined) {
      throw serviceError('ResourceNotFoundException', `Function not found: ${fn.functionArn}:${q}`, {
        Type: 'User',
      });
    }
    return { fn, version, qualifier: q, alias };
  }

  private uuid(): string {
    let h = '';
    for (let i = 0; i < 32; i++) h += Math.floor(this.random() * 16).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/** `my-fn`, `my-fn:v1`, `arn:aws:lambda:r:a:function:my-fn[:q]`, `a:function:my-fn[:q]`. */
export function parseFunctionName(reference: string): { name: string; qualifier: string | undefined } {
  const marker = 'function:';
  const at = reference.indexOf(marker);
  const rest = at === -1 ? reference : reference.slice(at + marker.length);
  const [name = '', qualifier] = rest.split(':');
  return { name, qualifier };
}
