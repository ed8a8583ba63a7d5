// Embedded Postgres (PGlite served over the Postgres wire protocol) for zero-setup local runs and
// tests. Production never gets here: resolveDatabaseUrl refuses to start it (DESIGN §5).
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export interface StartEmbeddedPostgresOptions {
  /** A directory for persistent data, or undefined for an in-memory database. */
  dataDir?: string;
  port?: number;
  maxConnections?: number;
}

export async function startEmbeddedPostgres(options: StartEmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? "memory://");
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 20,
  });
  conformToWireProtocol(server);
  await server.start();
  const url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  return {
    url,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

// Extended-protocol messages before a Sync: Parse, Bind, Describe, Execute, Flush, Close.
const MID_SEQUENCE = new Set("PBDEHC".split("").map((type) => type.charCodeAt(0)));
const ERROR = "E".charCodeAt(0);
const READY = "Z".charCodeAt(0);

interface PGliteSession {
  execProtocolRawStream(message: Uint8Array, options: { onRawData(data: Uint8Array): void }): Promise<unknown>;
}

/** Splits a chunk into whole backend messages, or returns null if it does not end on a boundary. */
function splitMessages(data: Uint8Array): Uint8Array[] | null {
  const messages: Uint8Array[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let offset = 0; offset < data.length; ) {
    if (offset + 5 > data.length) return null;
    const end = offset + 1 + view.getInt32(offset + 1);
    if (end > data.length) return null;
    messages.push(data.subarray(offset, end));
    offset = end;
  }
  return messages;
}

/**
 * pglite-socket 0.1.6 (0.2.x alike) feeds each wire message to PGlite as it arrives. When an
 * extended-protocol message fails, PGlite answers with the error and a ReadyForQuery, and the Sync
 * that follows adds another: a client that sends its next query on the first one then takes the
 * second as that query's answer, and every later response on the connection is one off (a query
 * receives the previous one's rows). A real server answers only the Sync; so does this.
 */
function conformToWireProtocol(server: object) {
  const queue = (server as { queryQueue: { db: PGliteSession } }).queryQueue;
  const session = queue.db;
  queue.db = new Proxy(session, {
    get(target, property) {
      if (property !== "execProtocolRawStream") {
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (message: Uint8Array, options: { onRawData(data: Uint8Array): void }) => {
        if (!MID_SEQUENCE.has(message[0])) return target.execProtocolRawStream(message, options);
        let failed = false;
        return target.execProtocolRawStream(message, {
          onRawData(data) {
            const messages = splitMessages(data);
            if (messages?.some((part) => part[0] === ERROR)) failed = true;
            if (messages && failed) data = Buffer.concat(messages.filter((part) => part[0] !== READY));
            if (data.length > 0) options.onRawData(data);
          },
        });
      };
    },
  });
}

interface EmbeddedLock {
  pid: number;
  url: string;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function canConnect(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Returns the URL of the shared embedded database under `dataDir`, starting it in this process
 * unless another live process (the dev server, a script) already serves it: PGlite allows one
 * opener per data directory, so the first process owns it and the others connect to it.
 */
export async function useLocalEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres & { owned: boolean }> {
  const lockFile = path.join(dataDir, "embedded-postgres.json");
  if (fs.existsSync(lockFile)) {
    const lock = JSON.parse(fs.readFileSync(lockFile, "utf8")) as EmbeddedLock;
    if (lock.pid !== process.pid && isProcessAlive(lock.pid) && (await canConnect(lock.url))) {
      return { url: lock.url, owned: false, stop: async () => {} };
    }
  }
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite") });
  fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, url: embedded.url } satisfies EmbeddedLock));
  const releaseLock = () => {
    try {
      const lock = JSON.parse(fs.readFileSync(lockFile, "utf8")) as EmbeddedLock;
      if (lock.pid === process.pid) fs.unlinkSync(lockFile);
    } catch {
      // already gone
    }
  };
  process.once("exit", releaseLock);
  return {
    url: embedded.url,
    owned: true,
    async stop() {
      releaseLock();
      await embedded.stop();
    },
  };
}
