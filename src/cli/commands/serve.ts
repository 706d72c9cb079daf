import { randomBytes } from "node:crypto";
import { createApp } from "../../server/app.ts";
import { isLoopbackHost } from "../../server/security.ts";
import { UsageError } from "../../util/errors.ts";
import type { CliCommand } from "../command.ts";
import { WORKSPACE_FLAGS, loadWorkspaceConfig } from "../common.ts";
import { EXIT } from "../exit-codes.ts";

export const serveCommand: CliCommand = {
  name: "serve",
  help: {
    usage: "skills-runtime serve [flags]",
    summary: "Start the local HTTP server (API under /api/v1, Studio at /).",
    details:
      "Binds 127.0.0.1:8000 by default. A non-loopback --host requires an access token (--token, or one is generated\n" +
      "and printed). Requests with a foreign Host header or a cross-site Origin are refused. Ctrl-C stops it cleanly.",
    flags: [
      { name: "host", type: "string", value: "HOST", default: "127.0.0.1", description: "Interface to bind." },
      { name: "port", type: "int", value: "PORT", default: 8000, description: "Port to bind (0 picks a free port)." },
      { name: "token", type: "string", value: "TOKEN", description: "Require `Authorization: Bearer TOKEN` (or ?token=) on every request." },
      ...WORKSPACE_FLAGS,
    ],
    examples: ["skills-runtime serve", "skills-runtime serve --port 8787 --workspace-root ~/projects/demo", "skills-runtime serve --host 0.0.0.0 --token s3cret"],
  },
  async run(args, io) {
    const host = String(args.flags.host);
    const port = Number(args.flags.port);
    if (port < 0 || port > 65535) throw new UsageError(`Flag --port of skills-runtime serve: expected 0..65535, got ${port}.`);
    let token = typeof args.flags.token === "string" ? args.flags.token : null;
    if (!isLoopbackHost(host) && token === null) token = randomBytes(18).toString("base64url");
    const loaded = loadWorkspaceConfig(args, io);
    let server: ReturnType<typeof Bun.serve>;
    try {
      server = Bun.serve({ hostname: host, port, fetch: () => new Response("starting", { status: 503 }) });
    } catch (error) {
      throw new UsageError(`Cannot listen on ${host}:${port}: ${(error as Error).message}. Pick another --port (0 picks a free one).`);
    }
    const app = createApp({ loaded, security: { host, port: server.port ?? port, token } });
    server.reload({ fetch: app.fetch });
    const shownHost = host.includes(":") ? `[${host}]` : host;
    const url = `http://${shownHost}:${server.port}/${token ? `?token=${encodeURIComponent(token)}` : ""}`;
    io.stderr(`skills-runtime serving workspace ${loaded.workspaceRoot}\n`);
    io.stdout(`Open ${url}\n`);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    io.stderr("Shutting down…\n");
    await server.stop(true);
    return EXIT.ok;
  },
};
