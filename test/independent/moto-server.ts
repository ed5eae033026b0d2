import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * moto_server (moto's AWS emulator, Python: `pip install "moto[server]"`) on 127.0.0.1 and a free
 * port, for the independent checks. It is started in its own process group so that stop() ends the
 * pyenv shim, the Python process and anything it spawned; stop() also runs when this process exits
 * or is interrupted, so that no moto is left listening.
 */
export interface MotoServer {
  /** http://127.0.0.1:<port>: what AWS_ENDPOINT_URL is set to. */
  endpoint: string;
  /** Kills moto (its whole process group) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** How long moto may take to answer its first request (it imports every service backend at start). */
const MOTO_START_TIMEOUT_MS = 30_000;

export async function startMotoServer(settings: Record<string, string> = {}): Promise<MotoServer> {
  const port = await findFreeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // moto's own settings (e.g. MOTO_LAMBDA_STUB_ECR), and fake credentials in case it looks.
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', ...settings },
  });
  const collect = (chunk: Buffer) => {
    // Keep the start of its output for the error message; moto logs every request afterwards.
    if (output.length < 4_000) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const spawnFailure = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(
        new Error(`could not run moto_server (${error.message}): install it with pip install "moto[server]"`),
      ),
    );
    child.once('exit', (code, signal) =>
      reject(new Error(`moto_server exited (${signal ?? code}) before answering: ${lastLine(output)}`)),
    );
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  // SIGKILL to the whole group: moto keeps nothing worth a graceful shutdown, and on SIGTERM it lingers
  // while its request threads wind down.
  const kill = () => {
    if (stopped || child.pid === undefined) return;
    stopped = true;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const stop = async () => {
    kill();
    await exited;
  };
  // Whichever way this process ends: normally, or interrupted (Ctrl-C, CI's timeout).
  process.once('exit', kill);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      kill();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
  try {
    await Promise.race([waitUntilAnswering(endpoint), spawnFailure]);
  } catch (error) {
    await stop();
    throw error;
  }
  child.stdout?.off('data', collect);
  child.stderr?.off('data', collect);
  child.stdout?.resume();
  child.stderr?.resume();
  return { endpoint, stop };
}

async function waitUntilAnswering(endpoint: string): Promise<void> {
  const deadline = Date.now() + MOTO_START_TIMEOUT_MS;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `moto_server did not answer at ${endpoint} within ${MOTO_START_TIMEOUT_MS / 1000} s: ${lastError}`,
  );
}

function findFreeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
