// Local mode never hangs: every local server start and first connection has a deadline and fails with
// one line naming the server (issue 12 item 17). The end-to-end run with loopback really down
// (`unshare -n`) is in the independent checks (test/independent/demo-without-loopback.ts).
import { createServer, type Server, type Socket as ServerSocket, Socket } from 'node:net';
import { LocalServerError } from '../../../local/loopback';
import { startSlackReceiver } from '../../../local/slack-receiver';
import { createLocalDynamoDbClient, createStateTable, startLocalDynamoDb } from '../../../local/state-table';

/** A listen function that never calls back, as a listen stuck in the kernel would behave. */
const listenNeverCompletes = () => undefined;
/** A connection that is never accepted nor refused: a firewall dropping loopback packets. */
const connectNeverAnswers = () => new Socket();
/** A connection refused at once, as in a network namespace with `lo` down. */
const connectUnreachable = (port: number, host: string) => {
  const socket = new Socket();
  process.nextTick(() =>
    socket.emit(
      'error',
      Object.assign(new Error(`connect ENETUNREACH ${host}:${port} - Local (0.0.0.0:0)`), {
        code: 'ENETUNREACH',
      }),
    ),
  );
  return socket;
};

function expectOneLine(error: unknown): string {
  expect(error).toBeInstanceOf(LocalServerError);
  const { message } = error as LocalServerError;
  expect(message).not.toContain('\n');
  return message;
}

describe('starting the local DynamoDB (dynalite)', () => {
  it('fails with one line when listen does not complete within the deadline', async () => {
    const error = await startLocalDynamoDb({ timeoutMs: 100, listen: listenNeverCompletes }).catch(
      (caught: unknown) => caught,
    );

    expect(expectOneLine(error)).toBe(
      'could not start the local DynamoDB (dynalite) on 127.0.0.1 within 100 ms: listen did not complete',
    );
  });

  it('fails with one line when its port accepts no connection within the deadline', async () => {
    const error = await startLocalDynamoDb({ timeoutMs: 100, connect: connectNeverAnswers }).catch(
      (caught: unknown) => caught,
    );

    expect(expectOneLine(error)).toMatch(
      /^could not connect to the local DynamoDB \(dynalite\) at http:\/\/127\.0\.0\.1:\d+ within 100 ms: no answer/,
    );
  });

  it('fails with one line naming the reason when loopback refuses the connection', async () => {
    const error = await startLocalDynamoDb({ connect: connectUnreachable }).catch(
      (caught: unknown) => caught,
    );

    expect(expectOneLine(error)).toMatch(
      /^could not connect to the local DynamoDB \(dynalite\) at http:\/\/127\.0\.0\.1:\d+ within 5 s: connect ENETUNREACH/,
    );
  });

  it('still starts and answers when loopback works', async () => {
    const dynamoDb = await startLocalDynamoDb();
    const client = createLocalDynamoDbClient(dynamoDb.endpoint, { maxAttempts: 1 });
    try {
      await expect(createStateTable(client, 'loopback-deadline-check')).resolves.toBe(
        'loopback-deadline-check',
      );
    } finally {
      client.destroy();
      await dynamoDb.close();
    }
  });
});

describe('the first request to a local DynamoDB that accepts connections but never answers', () => {
  let silentServer: Server;
  const heldSockets: ServerSocket[] = [];
  let endpoint: string;

  beforeAll(async () => {
    silentServer = createServer((socket) => {
      heldSockets.push(socket);
    });
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const address = silentServer.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });

  afterAll(async () => {
    for (const socket of heldSockets) socket.destroy();
    await new Promise<void>((resolve) => silentServer.close(() => resolve()));
  });

  it('fails with one line naming the server instead of waiting forever', async () => {
    const client = createLocalDynamoDbClient(endpoint, { maxAttempts: 1, requestTimeoutMs: 200 });
    try {
      const error = await createStateTable(client, 'never-answered').catch((caught: unknown) => caught);

      expect(expectOneLine(error)).toMatch(
        new RegExp(
          `^could not create the state table never-answered on the local DynamoDB \\(dynalite\\) at ${endpoint.replace(/[.]/g, '\\.')}: `,
        ),
      );
    } finally {
      client.destroy();
    }
  });
});

describe('starting the local Slack receiver', () => {
  it('fails with one line when listen does not complete within the deadline', async () => {
    const error = await startSlackReceiver({ timeoutMs: 100, listen: listenNeverCompletes }).catch(
      (caught: unknown) => caught,
    );

    expect(expectOneLine(error)).toBe(
      'could not start the local Slack receiver on 127.0.0.1 within 100 ms: listen did not complete',
    );
  });

  it('fails with one line when loopback refuses the connection', async () => {
    const error = await startSlackReceiver({ connect: connectUnreachable }).catch(
      (caught: unknown) => caught,
    );

    expect(expectOneLine(error)).toMatch(
      /^could not connect to the local Slack receiver at http:\/\/127\.0\.0\.1:\d+ within 5 s: connect ENETUNREACH/,
    );
  });
});
