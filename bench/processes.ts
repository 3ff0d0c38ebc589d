import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../src/cli/node-flags.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every child this run started and that has not exited yet; all of them are killed on the way out. */
const live = new Set<ChildProcess>();

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** The last 64 KiB the child printed (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the child has exited. */
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;

/** A whole number from the environment, or `fallback` when unset; throws on anything else. */
export function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new Error(`${name} must be a whole number >= ${min}, got "${raw}"`);
  return Number(raw);
}

/**
 * `node <flags> <ROOT>/dist/<script>.js [args]`: the compiled code `npm run bench` builds first
 * (as a deployment runs it), with the flags `npm start` uses (Parley and the ceiling alike), then
 * `nodeFlags`, then `BENCH_NODE_OPTIONS`.
 */
function nodeCommand(script: string, args: string[], nodeFlags: string[] = []): string[] {
  const compiled = path.join(ROOT, 'dist', script.replace(/\.ts$/, '.js'));
  if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: run \`npm run bench\` (it compiles first)`);
  const extra = (process.env.BENCH_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  return [process.execPath, ...NODE_FLAGS, ...nodeFlags, ...extra, compiled, ...args];
}

/**
 * Starts `node <ROOT>/dist/<script>.js [args]`, the compiled code `npm run bench` builds first
 * (as a deployment runs it: no TypeScript loader in the process), and waits for its
 * "... listening on http://..." line. `BENCH_NODE_OPTIONS` adds node flags (`--cpu-prof`, say).
 */
export async function spawnServer(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  /** A command that runs node, such as `valgrind --tool=callgrind` (bench/instructions.ts). */
  launcher: string[] = [],
  /** Node flags after Parley's own, before BENCH_NODE_OPTIONS. */
  nodeFlags: string[] = [],
): Promise<ServerProcess> {
  const command = [...launcher, ...nodeCommand(script, args, nodeFlags)];
  const child = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    live.delete(child);
    resolve();
  }));
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await exited;
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      // Under a launcher such as callgrind, start-up (and its migrations) runs about 50 times slower.
      const limitSeconds = launcher.length > 0 ? 300 : 30;
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${limitSeconds} s:\n${output}`)), limitSeconds * 1000);
      const check = () => {
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!.replace('0.0.0.0', '127.0.0.1'));
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${output}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    if (!url.startsWith('http://127.0.0.1:')) throw new Error(`${name} listens on ${url}, expected 127.0.0.1 only`);
    return { name, pid: child.pid!, url, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Runs `node <flags> <ROOT>/dist/<script>.js [args]` to its end, with the same flags as
 * spawnServer, and resolves with what it printed on stdout; rejects, with its output, when it
 * exits otherwise than with 0.
 */
export async function runScript(name: string, script: string, args: string[]): Promise<string> {
  const [node, ...nodeArgs] = nodeCommand(script, args);
  const child = spawn(node!, nodeArgs, { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-OUTPUT_LIMIT)));
  const code = await new Promise<number | string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
  }).finally(() => live.delete(child));
  if (code !== 0) throw new Error(`${name} exited (${code}):\n${stdout}${stderr}`);
  return stdout;
}

/** Last resort (process exit, signals): SIGKILL every child still running. Synchronous. */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** VmRSS and VmHWM of a process, in KiB, from /proc/<pid>/status; null once it is gone. */
export function readMemory(pid: number): { rssKb: number; hwmKb: number } | null {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** Samples VmRSS every 100 ms while running. */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  private peakKb = 0;
  private samples = 0;

  constructor(private readonly pid: number) {}

  start(): void {
    const sample = () => {
      const memory = readMemory(this.pid);
      if (memory && Number.isFinite(memory.rssKb)) {
        this.samples += 1;
        this.peakKb = Math.max(this.peakKb, memory.rssKb);
      }
    };
    sample();
    this.timer = setInterval(sample, 100);
  }

  /** Peak sampled VmRSS and the kernel's VmHWM (peak since the process started), both in KiB. */
  stop(): { peakRssKb: number; hwmKb: number | null; samples: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const memory = readMemory(this.pid);
    if (memory && Number.isFinite(memory.rssKb)) {
      this.samples += 1;
      this.peakKb = Math.max(this.peakKb, memory.rssKb);
    }
    return { peakRssKb: this.peakKb, hwmKb: memory && Number.isFinite(memory.hwmKb) ? memory.hwmKb : null, samples: this.samples };
  }
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux

export interface CpuSnapshot {
  at: number;
  /** Busy time of the whole machine (all cores), seconds. */
  machineBusy: number;
  /** CPU time of the server process, seconds. */
  server: number;
  /** CPU time of this (benchmark) process, seconds. */
  self: number;
}

/** Where the machine's CPU time goes, from /proc/stat, /proc/<pid>/stat and process.cpuUsage(). */
export function cpuSnapshot(serverPid: number): CpuSnapshot | null {
  try {
    const cpu = /^cpu\s+(.*)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))![1]!.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const busyTicks = cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]! + (cpu[7] ?? 0);
    const stat = fs.readFileSync(`/proc/${serverPid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const serverTicks = Number(fields[11]) + Number(fields[12]); // utime, stime
    const self = process.cpuUsage();
    return {
      at: performance.now(),
      machineBusy: busyTicks / CLOCK_TICKS_PER_SECOND,
      server: serverTicks / CLOCK_TICKS_PER_SECOND,
      self: (self.user + self.system) / 1e6,
    };
  } catch {
    return null;
  }
}

/** CPU use between two snapshots in % of one core: the server, the benchmark, and everything else on the machine. */
export function cpuBetween(a: CpuSnapshot | null, b: CpuSnapshot | null): { serverPct: number; benchPct: number; otherPct: number } | null {
  if (!a || !b) return null;
  const seconds = (b.at - a.at) / 1000;
  const server = b.server - a.server;
  const self = b.self - a.self;
  const other = Math.max(0, b.machineBusy - a.machineBusy - server - self);
  const pct = (x: number) => Number(((x / seconds) * 100).toFixed(1));
  return { serverPct: pct(server), benchPct: pct(self), otherPct: pct(other) };
}

/**
 * CPU seconds used so far by the processes `pids` (those that still exist), from /proc/<pid>/stat:
 * e.g. the PostgreSQL backends serving one database, whose connections stay open (a pool).
 */
export function cpuSecondsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone meanwhile.
    }
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}
