import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Records the partition key (`dynamodb:LeadingKeys`) of every item each state-table request touches,
 * as IAM sees it: GetItem/PutItem/DeleteItem their item's, Query its key condition's `:pk`,
 * BatchWriteItem every put and delete. Any other command is recorded as `<unrecognised Command>`, so
 * that a test of the LeadingKeys policy fails rather than passes on a request it cannot judge.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
 */
export function recordLeadingKeys(): { keys: string[]; restore(): void } {
  const keys: string[] = [];
  const original = DynamoDBDocumentClient.prototype.send;
  const spy = jest.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (
    this: DynamoDBDocumentClient,
    ...args: unknown[]
  ) {
    keys.push(...leadingKeysOf(args[0]));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as never);
  return { keys, restore: () => spy.mockRestore() };
}

type Item = { pk?: unknown };

function leadingKeysOf(command: unknown): string[] {
  const name = (command as { constructor?: { name?: string } })?.constructor?.name ?? 'unknown';
  const input = (command as { input?: Record<string, unknown> }).input ?? {};
  const pk = (item: unknown) => String((item as Item | undefined)?.pk);
  switch (name) {
    case 'GetCommand':
    case 'DeleteCommand':
      return [pk(input.Key)];
    case 'PutCommand':
      return [pk(input.Item)];
    case 'QueryCommand':
      return [String((input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':pk'])];
    case 'BatchWriteCommand':
      return Object.values((input.RequestItems as Record<string, unknown[]>) ?? {}).flatMap((requests) =>
        requests.map((request) => {
          const { PutRequest, DeleteRequest } = request as {
            PutRequest?: { Item?: Item };
            DeleteRequest?: { Key?: Item };
          };
          return pk(PutRequest?.Item ?? DeleteRequest?.Key);
        }),
      );
    default:
      return [`<unrecognised ${name}>`];
  }
}
