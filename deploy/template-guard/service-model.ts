import {
  asArray,
  type CloudFormationTemplate,
  isRecord,
  type PolicyStatement,
  propertiesOf,
  referencedLogicalId,
  resourcesOfType,
  roleStatements,
} from './cloudformation';

/** One Lambda function of the template, with what the guard needs to know about it. */
export interface FunctionModel {
  /** The serverless.yml key, e.g. `cleanupWorker` (the FunctionName without `<service>-<stage>-`). */
  key: string;
  logicalId: string;
  description: string;
  roleId: string | undefined;
  statements: PolicyStatement[];
  /** EventBridge rules (schedules and patterns) that invoke it: asynchronous invocations. */
  rules: string[];
  /** Its asynchronous on-failure destination (a logical id when it is a resource of the template). */
  failureDestination: { logicalId: string | undefined; raw: unknown } | undefined;
  /** SQS queues of the template its event source mappings read. */
  eventSourceQueues: string[];
  /** The mappings whose source is not a queue of the template. */
  otherEventSources: unknown[];
}

export interface Naming {
  service: string;
  stage: string;
}

export function functionModels(template: CloudFormationTemplate, naming: Naming): FunctionModel[] {
  const prefix = `${naming.service}-${naming.stage}-`;
  const rules = resourcesOfType(template, 'AWS::Events::Rule');
  const invokeConfigs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig');
  const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping');
  return resourcesOfType(template, 'AWS::Lambda::Function').map(([logicalId, resource]) => {
    const props = propertiesOf(resource);
    const name = typeof props.FunctionName === 'string' ? props.FunctionName : logicalId;
    const roleId = referencedLogicalId(props.Role);
    const destination = invokeConfigs
      .map(([, config]) => propertiesOf(config))
      .filter((config) => referencedLogicalId(config.FunctionName) === logicalId)
      .map((config) => {
        const onFailure = isRecord(config.DestinationConfig) ? config.DestinationConfig.OnFailure : undefined;
        return isRecord(onFailure) ? onFailure.Destination : undefined;
      })
      .find((value) => value !== undefined);
    const sources = mappings
      .map(([, mapping]) => propertiesOf(mapping))
      .filter((mapping) => referencedLogicalId(mapping.FunctionName) === logicalId)
      .map((mapping) => mapping.EventSourceArn);
    const isQueue = (value: unknown) => {
      const id = referencedLogicalId(value);
      return id !== undefined && template.Resources?.[id]?.Type === 'AWS::SQS::Queue';
    };
    return {
      key: name.startsWith(prefix) ? name.slice(prefix.length) : name,
      logicalId,
      description: typeof props.Description === 'string' ? props.Description : '',
      roleId,
      statements: roleId === undefined ? [] : roleStatements(template, roleId),
      rules: rules
        .filter(([, rule]) =>
          asArray(propertiesOf(rule).Targets).some(
            (target) => isRecord(target) && referencedLogicalId(target.Arn) === logicalId,
          ),
        )
        .map(([ruleId]) => ruleId),
      failureDestination:
        destination === undefined
          ? undefined
          : {
              logicalId: isQueue(destination) ? referencedLogicalId(destination) : undefined,
              raw: destination,
            },
      eventSourceQueues: sources.filter(isQueue).map((source) => referencedLogicalId(source) as string),
      otherEventSources: sources.filter((source) => !isQueue(source)),
    };
  });
}
