// Resident memory of a process over a long run, sampled once a second (Linux /proc). A single
// reading lands anywhere in V8's garbage-collection cycle (±15 % measured on the same process a
// minute apart), so a run compares levels: the median of the last samples of the warm-up against
// the median of the last samples of the run. A leak raises the level; GC timing does not.
import { readFile } from 'node:fs/promises';

/** RSS of `pid` in MiB. */
export const rssMiB = async (pid: number): Promise<number> => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** Samples the RSS of `pid` every second until `stop()`; `mark()` starts a new phase. */
export const sampleRss = (pid: number) => {
  const phases: number[][] = [[]];
  const timer = setInterval(() => {
    rssMiB(pid)
      .then((value) => phases.at(-1)?.push(value))
      .catch(() => undefined);
  }, 1000);
  return {
    mark: () => {
      phases.push([]);
    },
    stop: () => {
      clearInterval(timer);
      return phases;
    },
  };
};

/** Level of a phase: the median of its last `tail` samples (default 15, about 15 s). */
export const level = (samples: number[], tail = 15) => median(samples.slice(-tail));

/** The warm-up's level, the run's level, the growth in percent and the run's peak. */
export const rssGrowth = (warmUp: number[], run: number[]) => {
  const before = level(warmUp);
  const after = level(run);
  return {
    rssBeforeMiB: before,
    rssAfterMiB: after,
    rssPeakMiB: Math.max(0, ...run),
    growthPercent: ((after - before) / before) * 100,
  };
};
