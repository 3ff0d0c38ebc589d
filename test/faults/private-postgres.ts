import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { reserveFreePort } from '../webhooks/receiver.js';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of a test's own, in a temporary directory on a free port, so that a test
 * may stop and start it: the machine's PostgreSQL, which other tests use, is never touched.
 */

/** The directory holding initdb and pg_ctl: PARLEY_TEST_PG_BIN, Debian's layout (newest first), or pg_config's. */
export function postgresBinDir(): string | null {
  const usable = (dir: string) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));
  const configured = process.env.PARLEY_TEST_PG_BIN?.trim();
  if (configured) return usable(configured) ? configured : null;
  try {
    const versions = fs.readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) if (usable(`/usr/lib/postgresql/${version}/bin`)) return `/usr/lib/postgresql/${version}/bin`;
  } catch {
    // not Debian's layout
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', timeout: 5000 }).trim();
    if (usable(dir)) return dir;
  } catch {
    // no pg_config
  }
  return null;
}

/** initdb refuses to run as root: then the cluster belongs to the `postgres` user, if there is one. */
function clusterOwner(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', timeout: 5000 }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', timeout: 5000 }).trim());
  return { name: 'postgres', uid, gid };
}

/** Why a private cluster cannot run here, or null when it can. */
export function privatePostgresUnavailable(): string | null {
  if (!postgresBinDir()) return 'no PostgreSQL server binaries (initdb, pg_ctl) found; set PARLEY_TEST_PG_BIN';
  try {
    clusterOwner();
  } catch {
    return 'running as root without a postgres user to own the cluster';
  }
  return null;
}

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly owner: ReturnType<typeof clusterOwner>,
  ) {}

  /** Creates the cluster and starts it; on failure removes what it made. */
  static async create(): Promise<PrivatePostgres> {
    const bin = postgresBinDir();
    if (!bin) throw new Error('no PostgreSQL server binaries found');
    const owner = clusterOwner();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-pg-'));
    const cluster = new PrivatePostgres(dir, await reserveFreePort(), bin, owner);
    try {
      if (owner) fs.chownSync(dir, owner.uid, owner.gid);
      await cluster.tool('initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
      await cluster.start();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** A database of this cluster (trust authentication, user postgres). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    // fsync off: a test cluster, stopped cleanly (a fast shutdown still checkpoints).
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
    await this.tool('pg_ctl', ['-D', this.dataDir, '-l', path.join(this.dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  }

  /** Stops the server: `fast` ends every session at once (what a restart or a failover does to clients). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.tool('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Whether the server runs (its PID file is there). */
  running(): boolean {
    return fs.existsSync(path.join(this.dataDir, 'postmaster.pid'));
  }

  /** The postmaster (from its PID file) and every process it started: backends, checkpointer, walwriter... */
  processes(): number[] {
    const postmaster = Number(fs.readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(postmaster) || postmaster <= 1) throw new Error(`no postmaster PID in ${this.dataDir}/postmaster.pid`);
    let children: number[] = [];
    try {
      children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8', timeout: 5000 }).split('\n').filter(Boolean).map(Number);
    } catch {
      // pgrep exits 1 when there are none
    }
    return [postmaster, ...children];
  }

  /**
   * Freezes the whole server (SIGSTOP, the postmaster first so it starts nothing new): sockets stay
   * open and the kernel still accepts connections, but nothing answers, as with a paused VM or a
   * dropped network path. Always follow with resume().
   */
  pause(): void {
    for (const pid of this.processes()) process.kill(pid, 'SIGSTOP');
  }

  /** Undoes pause(); safe to call when nothing is paused. Never throws. */
  resume(): void {
    let pids: number[] = [];
    try {
      pids = this.processes();
    } catch {
      return;
    }
    for (const pid of pids.reverse()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // gone
      }
    }
  }

  /** Stops the server if it runs and removes the cluster's directory. Never throws. */
  async destroy(): Promise<void> {
    this.resume(); // a paused server would not stop
    if (this.running()) await this.stop('immediate').catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The server's log so far, for failure messages. */
  log(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'server.log'), 'utf8');
    } catch {
      return '';
    }
  }

  private async tool(name: string, args: string[]): Promise<void> {
    const program = path.join(this.bin, name);
    const [command, argv] = this.owner ? ['runuser', ['-u', this.owner.name, '--', program, ...args]] : [program, args];
    try {
      await run(command, argv, { timeout: 90_000 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`${name} ${args.join(' ')} failed: ${String(error)}\n${stdout ?? ''}\n${stderr ?? ''}\n${this.log()}`, { cause: error });
    }
  }
}
