// The embedded server must answer pooled clients as a real Postgres does (see conformToWireProtocol).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../app/services/database/embedded-postgres";

let embedded: EmbeddedPostgres;
let pool: pg.Pool;

beforeAll(async () => {
  embedded = await startEmbeddedPostgres();
  pool = new pg.Pool({ connectionString: embedded.url, max: 4 });
  await pool.query("CREATE TABLE item (id int PRIMARY KEY, label text)");
}, 60_000);
afterAll(async () => {
  await pool.end();
  await embedded.stop();
});

describe("embedded Postgres over the wire", () => {
  it("GIVEN a parameterised statement that fails, alone or in a transaction, THEN the same connection's next queries get their own results", async () => {
    const client = await pool.connect();
    try {
      await client.query("INSERT INTO item VALUES ($1, $2)", [1, "one"]);
      // A statement that fails to parse: the Bind and Execute sent with it must go unanswered too.
      const [unparsable, after] = await Promise.allSettled([client.query("SELEC $1::int", [1]), client.query("SELECT $1::int AS n", [2])]);
      expect(unparsable).toMatchObject({ status: "rejected", reason: { code: "42601" } });
      expect(after).toMatchObject({ status: "fulfilled", value: { rows: [{ n: 2 }] } });
      for (const inTransaction of [false, true]) {
        if (inTransaction) await client.query("BEGIN");
        // Queued back to back, as a pool under load sends them: each must get its own answer.
        const [failed, rolledBack, selected] = await Promise.allSettled([
          client.query("INSERT INTO item VALUES ($1, $2)", [1, "again"]),
          client.query(inTransaction ? "ROLLBACK" : "SELECT 1"),
          client.query("SELECT label FROM item WHERE id = $1", [1]),
        ]);
        expect(failed).toMatchObject({ status: "rejected", reason: { code: "23505" } });
        expect(rolledBack).toMatchObject({ status: "fulfilled", value: { command: inTransaction ? "ROLLBACK" : "SELECT" } });
        expect(selected).toMatchObject({ status: "fulfilled", value: { rows: [{ label: "one" }] } });
      }
    } finally {
      client.release();
    }
  });

  it("GIVEN many connections running parameterised queries at once THEN each gets its own rows", async () => {
    // Different statement texts: interleaved Parse/Bind would run one connection's parameters through another's statement.
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => pool.query(`SELECT $1::int * ${i % 7} AS product, '${i}' AS tag`, [i])));
    results.forEach((result, i) => expect(result.rows).toEqual([{ product: i * (i % 7), tag: `${i}` }]));
  });
});
