import type { SimulatedCaller } from '../model/identity';
import type { World } from '../model/world';

interface ClientWithCredentials {
  config: {
    credentials?: ((options?: object) => Promise<{ accessKeyId?: string }>) & { attributed?: boolean };
  };
}

/**
 * Who a client acts as. A client built with explicit credentials (the SDK marks the provider it
 * wraps around them `attributed`) whose access key is a session the simulated STS issued acts as that
 * session's role, in the role's account; every other client acts as the world's default caller (the
 * worker's own role) in `fallbackAccountId`. The credentials are read as the SDK's signer would, so
 * a provider that assumes a role does it here, through the simulated STS.
 *
 * A session past its Expiration answers `expired`: every call with it fails ExpiredTokenException.
 */
export async function resolveCaller(
  world: World,
  client: unknown,
  fallbackAccountId: string,
): Promise<{ caller: SimulatedCaller; expired: boolean }> {
  const identity = world.services.identity;
  const provider = (client as ClientWithCredentials).config?.credentials;
  if (typeof provider === 'function' && provider.attributed === true) {
    const credentials = await provider();
    const session =
      credentials.accessKeyId === undefined ? undefined : identity.sessions.get(credentials.accessKeyId);
    if (session !== undefined) {
      return { caller: identity.callerOf(session), expired: world.clock.nowMs() >= session.expiration };
    }
  }
  return {
    caller: { ...identity.defaultCaller(fallbackAccountId), accountId: fallbackAccountId },
    expired: false,
  };
}
