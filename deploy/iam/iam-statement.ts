/**
 * IAM statements as the functions' own roles take them (serverless-iam-roles-per-function), with
 * CloudFormation intrinsics for what the stack knows: its partition, region, account and resources.
 * Built by the shared/aws/*-iam.ts modules from ecr-warden.yml.
 */
export interface IamStatement {
  Effect: 'Allow';
  Action: string[];
  Resource: unknown[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** `arn:<partition>:<service>:<the stack's region>:<the stack's account>:<resource>`, as a Fn::Sub. */
export function regionalArn(service: string, resource: string): { 'Fn::Sub': string } {
  // The escaped `${AWS::...}` are CloudFormation's Fn::Sub variables.
  return { 'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}` };
}

/** The ARN of a resource of the stack, by logical id. */
export function getAtt(logicalId: string): { 'Fn::GetAtt': [string, 'Arn'] } {
  return { 'Fn::GetAtt': [logicalId, 'Arn'] };
}
