// Spawning the worker on a real runtime for black-box tests, and tearing it down.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** A server process started by {@link startProcess}, its output kept for failure messages. */
export interface SpawnedServer {
  base: string;
  /** The process id (its own process group), e.g. to read its memory. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** What {@link startProcess} runs. */
export interface ProcessSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** The port it must listen on (passed as `PORT`); default a free one. */
  port?: number;
  /** The path polled until it answers 200; default `/health`. */
  healthPath?: string;
  timeoutMs?: number;
}

/** Starts a server in its own process group and waits until `GET <healthPath>` answers 200. */
export const startProcess = async (spec: ProcessSpec): Promise<SpawnedServer> => {
  const port = spec.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(spec.command, spec.args, {
    env: { ...process.env, ...spec.env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone: the group has no members left.
      }
      const killer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 5_000);
      await exited;
      clearTimeout(killer);
    }
  };
  const deadline = Date.now() + (spec.timeoutMs ?? 45_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${base}${spec.healthPath ?? '/health'}`);
      if (response.status === 200) return { base, pid: child.pid ?? 0, output: () => output, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`${spec.command} ${spec.args.join(' ')} did not serve ${base}:\n${output}`);
};

/** Runs `npm run <script>` in its own process group and waits until `GET /health` answers 200. */
export const startScript = (
  script: string,
  env: Record<string, string>,
  timeoutMs = 45_000,
  extraArgs: string[] = [],
) =>
  startProcess({
    command: 'npm',
    args: ['run', '--silent', script, ...(extraArgs.length ? ['--', ...extraArgs] : [])],
    env,
    timeoutMs,
  });
