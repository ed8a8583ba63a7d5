// A Postgres cluster of a test's own (initdb into a temp dir, own port and socket dir), for fault
// tests that kill or freeze the database server: the shared server on 5432 is never touched. The
// server binaries come from Debian's postgresql package; initdb and postgres refuse to run as root,
// so they run as the postgres user.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface ThrowawayPostgres {
  url: string;
  /** Starts the server (again) and resolves once it accepts connections, with that moment (ms). */
  start(): Promise<number>;
  /** kill -9 of the postmaster and every backend, as a crash or OOM kill would. */
  killHard(): void;
  /** SIGSTOP of every server process: connections stay open and nothing answers. */
  freeze(): void;
  thaw(): void;
  destroy(): Promise<void>;
}

/** Why a throwaway cluster cannot be made here, or null when it can. */
export function throwawayPostgresUnavailable(): string | null {
  if (!findBinDir()) return "no Postgres server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)";
  if (process.getuid?.() !== 0 && os.userInfo().username !== "postgres") return "needs root (runuser -u postgres) or the postgres user";
  if (process.getuid?.() === 0 && spawnSync("runuser", ["--help"]).status !== 0) return "runuser is not available";
  return null;
}

function findBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const version = versions.find((v) => fs.existsSync(path.join(root, v, "bin", "initdb")) && fs.existsSync(path.join(root, v, "bin", "postgres")));
  return version ? path.join(root, version, "bin") : null;
}

function asPostgres(binary: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function createThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const binDir = findBinDir();
  if (!binDir) throw new Error(throwawayPostgresUnavailable() ?? "no Postgres binaries");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "abt-pg-fault-"));
  const dataDir = path.join(dir, "data");
  if (process.getuid?.() === 0) spawnSync("chown", ["postgres:postgres", dir]);
  const [initdb, initdbArgs] = asPostgres(path.join(binDir, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--no-instructions"]);
  const init = spawnSync(initdb, initdbArgs, { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let server: ChildProcess | undefined;
  let log = "";

  // The postmaster and its children (backends, checkpointer, walwriter…), postmaster first.
  function serverPids(): number[] {
    const pidFile = path.join(dataDir, "postmaster.pid");
    if (!fs.existsSync(pidFile)) return [];
    const postmaster = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    if (!postmaster || !fs.existsSync(`/proc/${postmaster}`)) return [];
    const children = fs
      .readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          // Field 4 of /proc/PID/stat is the parent pid; the command name (field 2) may contain spaces.
          const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
          return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === postmaster;
        } catch {
          return false;
        }
      })
      .map(Number);
    return [postmaster, ...children];
  }

  function signal(name: NodeJS.Signals) {
    for (const pid of serverPids()) {
      try {
        process.kill(pid, name);
      } catch {
        // Already gone.
      }
    }
  }

  async function waitUntilAccepting(deadlineMs: number): Promise<number> {
    for (;;) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 500 });
      try {
        await client.connect();
        await client.query("SELECT 1");
        return Date.now();
      } catch (error) {
        if (Date.now() > deadlineMs) throw new Error(`throwaway Postgres did not start: ${(error as Error).message}\n${log.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      } finally {
        await client.end().catch(() => {});
      }
    }
  }

  return {
    url,
    start() {
      const [command, args] = asPostgres(path.join(binDir, "postgres"), [
        "-D", dataDir, "-p", String(port), "-k", dir,
        "-c", "listen_addresses=127.0.0.1",
        // Process kills do not lose the OS page cache, so skipping fsync loses nothing here.
        "-c", "fsync=off", "-c", "full_page_writes=off",
        "-c", "shared_buffers=16MB", "-c", "max_connections=40",
      ]);
      server = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
      server.stderr!.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8000)));
      return waitUntilAccepting(Date.now() + 30_000);
    },
    killHard: () => signal("SIGKILL"),
    freeze: () => signal("SIGSTOP"),
    thaw: () => signal("SIGCONT"),
    async destroy() {
      signal("SIGCONT");
      signal("SIGKILL");
      if (server && server.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 200));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
