// drizzle-kit generates migrations/ from src/schema.ts: `npx drizzle-kit generate --name <name>`.
// The database URL is only used by `drizzle-kit migrate`/`studio` against a scratch file; replicas
// apply migrations themselves at open (src/connection.ts).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/schema.ts",
  out: "./migrations",
  dbCredentials: { url: "./.keel/scratch.db" },
});
