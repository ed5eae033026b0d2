import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Wraps a DynamoDB client in the DocumentClient the state store speaks (plain JavaScript values in,
 * plain values out). Undefined properties are dropped instead of failing the marshaller; class
 * instances such as Date still fail it, so that timestamps are stored as explicit ISO strings or
 * epoch seconds, never as whatever a Date happens to marshal to.
 */
export function createStateDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/**
 * One DynamoDB client per execution environment, reused across invocations. On-demand tables throttle
 * when traffic jumps past twice the previous peak; adaptive retry backs off and rate-limits the client
 * when it sees throttling, as the ECR and SQS clients do.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
export const dynamoDbClient = new DynamoDBClient({ retryMode: 'adaptive', maxAttempts: 5 });

export const stateDocumentClient = createStateDocumentClient(dynamoDbClient);
