// Serves one staged Vercel function over node:http as Vercel's Node launcher does ("launcherType":
// "Nodejs"): the handler module's default export is called with (req, res), in a process whose working
// directory is the function's root (Vercel's /var/task). Vercel's edge sets x-vercel-forwarded-for to
// the client's address; the shim sets it from the socket. Node helpers (req.query, res.json…) are not
// added: neither handler here uses them. Plain JavaScript and node: modules only, so nothing of the
// project is loaded besides the function's own files.
//   node vercel-launcher.mjs <handler path relative to cwd> [--client-address-from-x-forwarded-for]
//   → prints {"port": N} once listening. The flag stands the request's X-Forwarded-For in for the
//   client's address (a load test from one host playing many shoppers); never for anything exposed.
import console from "node:console";
import http from "node:http";
import path from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

const handlerPath = path.resolve(process.cwd(), process.argv[2]);
const addressFromForwardedFor = process.argv.includes("--client-address-from-x-forwarded-for");
const module = await import(pathToFileURL(handlerPath).href);
const handler = typeof module.default === "function" ? module.default : module.default?.default;
if (typeof handler !== "function") throw new Error(`${process.argv[2]} has no default (req, res) export`);

const server = http.createServer((request, response) => {
  const forwarded = addressFromForwardedFor ? String(request.headers["x-forwarded-for"] ?? "").split(",")[0].trim() : "";
  request.headers["x-vercel-forwarded-for"] = forwarded || request.socket.remoteAddress || "";
  request.headers["x-forwarded-proto"] ??= "https";
  Promise.resolve(handler(request, response)).catch((error) => {
    console.error(`launcher: unhandled ${error?.stack ?? error}`);
    if (!response.headersSent) response.writeHead(500);
    response.end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => server.close(() => process.exit(0)));
