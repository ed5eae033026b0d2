import { serviceError } from './simulated-error';

/**
 * The slice of AWS Batch that tells which images are in use: job definitions, each name with its
 * revisions (1, 2, …), ACTIVE until deregistered (then INACTIVE, and never submittable again).
 * https://docs.aws.amazon.com/batch/latest/APIReference/API_RegisterJobDefinition.html
 * https://docs.aws.amazon.com/batch/latest/APIReference/API_DeregisterJobDefinition.html
 */
export interface BatchJobDefinition {
  jobDefinitionName: string;
  jobDefinitionArn: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  type: 'container' | 'multinode';
  /** The container image (containerProperties.image); multinode: every node range's image. */
  images: string[];
  platformCapabilities: ('EC2' | 'FARGATE')[];
  registeredAt: number;
}

export class BatchState {
  readonly definitions: BatchJobDefinition[] = [];

  constructor(
    readonly accountId: string,
    readonly region: string,
  ) {}

  registerJobDefinition(input: {
    jobDefinitionName: string;
    image?: string;
    /** A multinode definition's node-range images. */
    nodeImages?: readonly string[];
    platformCapabilities?: ('EC2' | 'FARGATE')[];
    at: number;
  }): BatchJobDefinition {
    if (!/^[A-Za-z0-9][\w-]{0,127}$/.test(input.jobDefinitionName)) {
      throw serviceError('ClientException', `Invalid job definition name ${input.jobDefinitionName}`);
    }
    const revision =
      Math.max(0, ...this.revisionsOf(input.jobDefinitionName).map((definition) => definition.revision)) + 1;
    const multinode = input.nodeImages !== undefined;
    const definition: BatchJobDefinition = {
      jobDefinitionName: input.jobDefinitionName,
      jobDefinitionArn: `arn:aws:batch:${this.region}:${this.accountId}:job-definition/${input.jobDefinitionName}:${revision}`,
      revision,
      status: 'ACTIVE',
      type: multinode ? 'multinode' : 'container',
      images: multinode ? [...(input.nodeImages ?? [])] : [input.image ?? ''],
      platformCapabilities: input.platformCapabilities ?? ['FARGATE'],
      registeredAt: input.at,
    };
    this.definitions.push(definition);
    return definition;
  }

  deregisterJobDefinition(jobDefinitionName: string, revision: number): void {
    const definition = this.revisionsOf(jobDefinitionName).find((d) => d.revision === revision);
    if (definition === undefined) {
      throw serviceError('ClientException', `Job definition ${jobDefinitionName}:${revision} does not exist`);
    }
    definition.status = 'INACTIVE';
  }

  private revisionsOf(name: string): BatchJobDefinition[] {
    return this.definitions.filter((definition) => definition.jobDefinitionName === name);
  }
}
