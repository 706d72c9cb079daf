/**
 * A `serve` process for the restart tests of serve-runs.test.ts: the run routes over a
 * workspace (argv[2]) with the Studio fake backend, on 127.0.0.1 and a free port (printed as
 * `PORT <n>`). SIGTERM shuts down like `skills-runtime serve`: runs.shutdown() (pending approvals
 * are kept in the WALs), stop the server, exit.
 */
import { loadConfig } from "../../src/config/load.ts";
import { ApprovalsHub } from "../../src/server/approvals-hub.ts";
import { InProcessRunManager } from "../../src/server/run-manager.ts";
import { FileSessionStore } from "../../src/server/storage/sessions.ts";
import { runsApp } from "../support/serve-runs.ts";

const workspaceRoot = process.argv[2]!;
const loaded = loadConfig({ workspaceRoot, env: {}, dotenv: false });
const sessions = new FileSessionStore({ workspaceRoot });
const approvals = new ApprovalsHub();
const runs = new InProcessRunManager({ loaded, sessions, approvals, forceFakeBackend: true });
await runs.recover();
const app = runsApp({ workspaceRoot, loaded, security: { host: "127.0.0.1", port: 0, token: null }, forceFakeBackend: true, sessions, runs, approvals });
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
process.stdout.write(`PORT ${server.port}\n`);
process.on("SIGTERM", async () => {
  await runs.shutdown();
  await server.stop(true);
  process.exit(0);
});
