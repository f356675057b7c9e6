// Commands and servers of the consumer suite, each in its own process group so that stopping one
// also stops whatever it started; `stopAll` ends every group still running.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join, sep } from 'node:path';
import { freePort } from '../support/servers.ts';

/** Each started process with a way to stop it, until it has been stopped or has exited. */
const running = new Map<ChildProcess, () => Promise<void>>();

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // Already gone: the group has no members left.
  }
};

const stop = async (child: ChildProcess, exited: Promise<unknown>, ended: () => boolean) => {
  if (!ended()) {
    killGroup(child, 'SIGTERM');
    const killer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }
  running.delete(child);
};

const launch = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) => {
  let output = '';
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let ended = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      output += `${error.message}\n`;
      resolve(null);
    });
    child.once('close', (code) => resolve(code));
  }).finally(() => {
    ended = true;
  });
  running.set(child, () => stop(child, exited, () => ended));
  return { child, exited, ended: () => ended, output: () => output };
};

/** What a finished command left: its exit code (`null` when it was killed) and its output. */
export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs a command to completion; past `timeoutMs` its process group is killed. */
export const run = async (
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CommandResult> => {
  const { child, exited, output } = launch(command, args, options.cwd, options.env);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child, 'SIGKILL');
  }, options.timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  running.delete(child);
  return { code, output: timedOut ? `${output()}\n(killed after ${options.timeoutMs} ms)` : output() };
};

/** Like {@link run}, but a non-zero exit throws with the command's output. */
export const runOrThrow = async (
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<string> => {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}:\n${result.output}`);
  }
  return result.output;
};

/** A server started by {@link startServer}. */
export interface ConsumerServer {
  base: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a server that reads its port from `PORT` (a free one, unless `port` names the one the
 * command was told) and waits until it answers HTTP on 127.0.0.1 at all (the consumer's program
 * has no route that answers 200 without a credential).
 */
export const startServer = async (
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; port?: number },
): Promise<ConsumerServer> => {
  const port = options.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const { child, exited, ended, output } = launch(command, args, options.cwd, {
    ...options.env,
    PORT: String(port),
  });
  const server = { base, output, stop: () => stop(child, exited, ended) };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline && !ended()) {
    try {
      await (await fetch(`${base}/`)).arrayBuffer();
      return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop();
  throw new Error(`${command} ${args.join(' ')} did not serve ${base}:\n${output()}`);
};

/** Ends every command and server of this suite that is still running. */
export const stopAll = async (): Promise<void> => {
  await Promise.all([...running.values()].map((stopOne) => stopOne()));
};

/** The PATH without the directories of npm packages (`node_modules/.bin`): what a stranger has. */
export const systemPath = (): string =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir && !dir.split(sep).includes('node_modules'))
    .join(delimiter);

/** The first executable `node` on the system PATH, if any. */
export const findSystemNode = (): string | undefined => {
  for (const dir of systemPath().split(delimiter)) {
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
};
