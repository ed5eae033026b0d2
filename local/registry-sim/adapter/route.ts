import type { AwsCommand } from 'aws-sdk-client-mock';
import { deepCopy } from '../model/deep-copy';
import type { SimulatedCaller } from '../model/identity';
import type { World } from '../model/world';
import type { SimulatedService } from './sdk-errors';

/** What a handler knows about the call it answers. */
export interface CallContext {
  world: World;
  /** The caller's account. */
  accountId: string;
  /** The calling client's region. */
  region: string;
  /** The simulated clock, epoch milliseconds. */
  now: number;
  /** Who calls: the worker's role, or the role of a session the simulated STS issued (./caller.ts). */
  caller: SimulatedCaller;
}

export type Handler = (context: CallContext) => object;

/** Runs one call through the simulator (faults, accounting, retries) and answers it. */
export type Dispatcher = (
  service: SimulatedService,
  api: string,
  client: unknown,
  handle: Handler,
) => Promise<object>;

interface StubLike {
  on(command: unknown): { callsFake(fn: (input: never, getClient: () => unknown) => unknown): unknown };
}

/** One operation the simulator answers: its command class, its name and its handler. */
export interface Route {
  service: SimulatedService;
  api: string;
  register(stub: unknown, dispatch: Dispatcher): void;
}

/**
 * Binds a handler to a command with the SDK's types: the handler receives the command's input type
 * and must return its output type (without `$metadata`, which the dispatcher adds).
 */
export function defineRoute<Input extends object, Output extends { $metadata: object }>(
  service: SimulatedService,
  command: new (input: Input) => AwsCommand<Input, Output>,
  api: string,
  handle: (input: Input, context: CallContext) => Omit<Output, '$metadata'>,
): Route {
  return {
    service,
    api,
    register(stub, dispatch) {
      (stub as StubLike).on(command).callsFake((input: never, getClient) => {
        // Both are read now, synchronously: getClient() names the client of the latest send(), and
        // the SDK's paginators reuse (and change) one input object from page to page.
        const client = getClient();
        const request = deepCopy(input as Input);
        return dispatch(service, api, client, (context) => handle(request, context));
      });
    },
  };
}
