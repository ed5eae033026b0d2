import type { Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

/**
 * Starting a local server (dynalite, the Slack receiver) and reaching it, with a deadline on each
 * step. Without one, a machine where loopback cannot be used hangs `npm run demo` forever: in a
 * network namespace with `lo` down, listen() on 127.0.0.1 still succeeds but every connection fails
 * (ENETUNREACH), and a firewall that drops loopback packets makes a connection wait with no answer.
 * Each step either completes in time or fails with one line naming the server and the reason, after
 * closing what it opened, so that nothing keeps the process alive.
 */

/** The only address local servers listen on: never reachable from another machine. */
export const LOOPBACK_HOST = '127.0.0.1';

/** How long a local server may take to start listening, or to accept its first connection. */
export const LOCAL_STARTUP_TIMEOUT_MS = 5_000;

/** A local server that could not start, or could not be reached, in time. The message is one line. */
export class LocalServerError extends Error {
  override name = 'LocalServerError';
}

/** Calls `onListening` once the server listens on a free loopback port. Injectable for tests. */
export type ListenFunction = (server: Server, onListening: () => void) => void;

/** Opens a TCP connection to a loopback port. Injectable for tests. */
export type ConnectFunction = (port: number, host: string) => Socket;

export interface LoopbackStartOptions {
  /** Deadline of each step, in ms (default LOCAL_STARTUP_TIMEOUT_MS). */
  timeoutMs?: number;
  listen?: ListenFunction;
  connect?: ConnectFunction;
}

const listenOnFreePort: ListenFunction = (server, onListening) =>
  server.listen(0, LOOPBACK_HOST, onListening);

const connectTcp: ConnectFunction = (port, host) => connect({ port, host });

/**
 * Starts `server` on a free loopback port, then checks that a connection to it is accepted, each
 * within the deadline. On failure the server is closed and a LocalServerError names `serverName`
 * ("the local DynamoDB (dynalite)"). Returns the port.
 */
export async function startOnLoopback(
  server: Server,
  serverName: string,
  options: LoopbackStartOptions = {},
): Promise<number> {
  const timeoutMs = options.timeoutMs ?? LOCAL_STARTUP_TIMEOUT_MS;
  try {
    await withDeadline(
      timeoutMs,
      (resolve, reject) => {
        server.once('error', reject);
        (options.listen ?? listenOnFreePort)(server, () => {
          server.off('error', reject);
          resolve();
        });
      },
      () => undefined,
    );
  } catch (error) {
    closeQuietly(server);
    throw new LocalServerError(
      `could not start ${serverName} on ${LOOPBACK_HOST} within ${formatSeconds(timeoutMs)}: ${reasonOf(error, 'listen did not complete')}`,
      { cause: error },
    );
  }
  const { port } = server.address() as AddressInfo;
  try {
    await checkConnection(port, timeoutMs, options.connect ?? connectTcp);
  } catch (error) {
    closeQuietly(server);
    throw new LocalServerError(
      `could not connect to ${serverName} at http://${LOOPBACK_HOST}:${port} within ${formatSeconds(timeoutMs)}: ${reasonOf(error, 'no answer')} (is the loopback interface up?)`,
      { cause: error },
    );
  }
  return port;
}

/** One TCP connection, opened and closed: proves that clients can reach the port. */
async function checkConnection(port: number, timeoutMs: number, connectTo: ConnectFunction): Promise<void> {
  let socket: Socket | undefined;
  await withDeadline(
    timeoutMs,
    (resolve, reject) => {
      socket = connectTo(port, LOOPBACK_HOST);
      socket.once('error', reject);
      socket.once('connect', () => resolve());
    },
    () => socket?.destroy(),
  );
  socket?.destroy();
}

class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
}

/**
 * A promise settled by `start`, or rejected with DeadlineExceeded after `timeoutMs`; `cleanUp` runs
 * whichever way it ends. The timer is cleared so that it never holds the process open.
 */
function withDeadline(
  timeoutMs: number,
  start: (resolve: () => void, reject: (error: unknown) => void) => void,
  cleanUp: () => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineExceeded()), timeoutMs);
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      outcome();
    };
    try {
      start(
        () => settle(resolve),
        (error) => settle(() => reject(error)),
      );
    } catch (error) {
      settle(() => reject(error));
    }
  }).finally(cleanUp);
}

function closeQuietly(server: Server): void {
  server.closeAllConnections();
  if (server.listening) server.close();
  // A listen that completes after its deadline must not leave a server holding the process open.
  else server.once('listening', () => server.close());
}

function reasonOf(error: unknown, onDeadline: string): string {
  if (error instanceof DeadlineExceeded) return onDeadline;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
