// Files Prisma's client engine opens by a computed path (`path.join(config.dirname, …)` in the
// generated client), which a file tracer cannot follow: without them every query in a traced
// deployment (Vercel's functions) fails with ENOENT. Vercel's tracer (@vercel/nft) evaluates
// `path.join(process.cwd(), "<literal>")` and adds the file it names to the function, as the generated
// client's own annotation does for schema.prisma; it has none for the wasm query compiler.
// Imported for this side effect by app/entry.server.tsx, which every server bundle contains (api/track.ts
// needs neither: the ingest path queries through pg, not Prisma).
import path from "node:path";

path.join(process.cwd(), "node_modules/.prisma/client/query_compiler_bg.wasm");
path.join(process.cwd(), "node_modules/.prisma/client/schema.prisma");
