import { readFileSync } from 'node:fs';

/** Latency percentiles in milliseconds from a list of samples. */
export const percentiles = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { p50: round(at(50)), p99: round(at(99)), max: round(sorted[sorted.length - 1] ?? 0) };
};

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Peak resident set size of a process in MiB, from /proc (Linux). */
export const peakRssMiB = async (pid: number): Promise<number> => {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return round(kb / 1024, 1);
};

/**
 * CPU milliseconds (user + system) a process has used, from /proc (Linux; USER_HZ is 100 wherever Node runs): per
 * item, a cost that other processes sharing the machine distort far less than they distort a rate.
 */
export const processCpuMs = (pid: number): number => cpuMsOf(`/proc/${pid}/stat`);

/**
 * CPU milliseconds one thread of a process has used (its main thread, the event loop, by default: its thread id is
 * the process id), from /proc (Linux): what work moved to other threads takes off the event loop.
 */
export const threadCpuMs = (pid: number, tid = pid): number => cpuMsOf(`/proc/${pid}/task/${tid}/stat`);

const cpuMsOf = (statFile: string): number => {
  const stat = readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
