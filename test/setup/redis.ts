// Starts a real redis-server (Debian's package) on 127.0.0.1 for the run, for the Redis rate-limit
// store. `.ci/run` installs it; elsewhere, without it, the Redis suites skip and say why.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import type { TestProject } from 'vitest/node';
import { freePort } from '../support/servers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the run's redis-server, or '' when none is installed. */
    redisUrl: string;
  }
}

const redisServer = (): string | undefined => {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};

const answersPing = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });

let server: ChildProcess | undefined;

export default async function setup(project: TestProject) {
  const command = redisServer();
  if (!command) {
    if (process.env.CI)
      throw new Error("redis-server not found: .ci/run installs Debian's redis-server package.");
    console.warn('Skipping the Redis suites: no redis-server on PATH (apt-get install redis-server).');
    project.provide('redisUrl', '');
    return;
  }
  const port = await freePort();
  // In memory only, loopback only, no protected-mode surprises.
  server = spawn(
    command,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error('redis-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  project.provide('redisUrl', `redis://127.0.0.1:${port}`);
  return () => {
    server?.kill();
  };
}
