import { randomBytes } from "node:crypto";
import { readFakeScriptFile } from "../../llm/fake-script.ts";
import { createApp, createServerContext } from "../../server/app.ts";
import { isLoopbackHost } from "../../server/security.ts";
import { prepareWorkspace } from "../../server/startup.ts";
import { spawnDetached } from "../../sandbox/spawn.ts";
import { UsageError } from "../../util/errors.ts";
import type { CliCommand, CliIO } from "../command.ts";
import { WORKSPACE_FLAGS, loadWorkspaceConfig } from "../common.ts";
import { EXIT } from "../exit-codes.ts";

/** Open `url` in the desktop's browser, best effort; says so when there is no opener. */
function openBrowser(url: string, io: CliIO, cwd: string): void {
  const opener = process.platform === "darwin" ? "open" : "xdg-open";
  const path = Bun.which(opener, { PATH: io.env.PATH ?? "" });
  if (path === null) {
    io.stderr(`--open: "${opener}" was not found; open the URL above yourself.\n`);
    return;
  }
  try {
    spawnDetached([path, url], { cwd, env: { PATH: io.env.PATH ?? "", DISPLAY: io.env.DISPLAY ?? "", HOME: io.env.HOME ?? cwd }, stdoutPath: "/dev/null", stderrPath: "/dev/null" });
  } catch (error) {
    io.stderr(`--open: cannot start "${opener}": ${(error as Error).message}\n`);
  }
}

export const serveCommand: CliCommand = {
  name: "serve",
  help: {
    usage: "skills-runtime serve [flags]",
    summary: "Start the local Studio server: the API under /api/v1 (OpenAPI at /api/v1/openapi.json) and the UI at /.",
    details:
      "Binds 127.0.0.1:8000 by default. A non-loopback --host requires an access token (--token, or one is generated\n" +
      "and printed in the URL). Requests with a foreign Host header or a cross-site Origin are refused.\n" +
      "At start the built-in example skills are installed into .skills_runtime_sdk/skills/ (existing folders are kept),\n" +
      "and runs a previous server left waiting on an approval can be answered again.\n" +
      "Runs use the configured LLM endpoint (llm.base_url + the key named by llm.api_key_env), a local OpenAI-compatible\n" +
      "server, or the offline fake backend with --backend fake (or STUDIO_LLM_BACKEND=fake); a session can choose its own.\n" +
      "--fake-script FILE makes every run replay that script (the format of `run --fake-script`: a JSON or YAML list of\n" +
      "calls); it implies --backend fake, and a file that cannot be read or is not a valid script stops serve at start.\n" +
      "Ctrl-C (or SIGTERM) cancels running runs (their WALs end with run_cancelled) and stops cleanly.",
    flags: [
      { name: "host", type: "string", value: "HOST", default: "127.0.0.1", description: "Interface to bind." },
      { name: "port", type: "int", value: "PORT", default: 8000, description: "Port to bind (0 picks a free port)." },
      { name: "token", type: "string", value: "TOKEN", description: "Require `Authorization: Bearer TOKEN` (the printed URL carries it once)." },
      { name: "backend", type: "string", value: "KIND", choices: ["fake", "auto"], description: "fake: every run uses the offline fake backend. Default auto (or STUDIO_LLM_BACKEND)." },
      { name: "fake-script", type: "string", value: "FILE", description: "Every run replays these scripted replies (JSON or YAML list of calls, as for run); implies --backend fake." },
      { name: "open", type: "boolean", description: "Open the URL in the desktop's browser." },
      ...WORKSPACE_FLAGS,
    ],
    examples: [
      "skills-runtime serve",
      "skills-runtime serve --backend fake --open",
      "skills-runtime serve --fake-script demo-replies.yaml --port 0",
      "skills-runtime serve --port 8787 --workspace-root ~/projects/demo",
      "skills-runtime serve --host 0.0.0.0 --token s3cret",
    ],
  },
  async run(args, io) {
    const host = String(args.flags.host);
    const port = Number(args.flags.port);
    if (port < 0 || port > 65535) throw new UsageError(`Flag --port of skills-runtime serve: expected 0..65535, got ${port}.`);
    let token = typeof args.flags.token === "string" ? args.flags.token : null;
    if (token !== null && token.length < 8) throw new UsageError("Flag --token of skills-runtime serve: use at least 8 characters.");
    if (!isLoopbackHost(host) && token === null) token = randomBytes(18).toString("base64url");
    const fakeScriptFile = typeof args.flags["fake-script"] === "string" ? args.flags["fake-script"] : null;
    if (fakeScriptFile !== null && typeof args.flags.backend === "string" && args.flags.backend !== "fake") {
      throw new UsageError(`Flag --fake-script of skills-runtime serve implies --backend fake; drop --backend ${args.flags.backend}.`);
    }
    const backendFlag = fakeScriptFile !== null ? "fake" : typeof args.flags.backend === "string" ? args.flags.backend : (io.env.STUDIO_LLM_BACKEND ?? "auto");
    if (backendFlag !== "fake" && backendFlag !== "auto" && backendFlag !== "openai") {
      throw new UsageError(`STUDIO_LLM_BACKEND: expected fake or openai, got "${backendFlag}".`);
    }
    // Read and validated once, before anything listens: a bad file stops serve with its reason.
    const fakeCalls = fakeScriptFile === null ? null : readFakeScriptFile(fakeScriptFile, io.cwd);
    const loaded = loadWorkspaceConfig(args, io);
    let server: ReturnType<typeof Bun.serve>;
    try {
      server = Bun.serve({ hostname: host, port, fetch: () => new Response("starting", { status: 503 }) });
    } catch (error) {
      throw new UsageError(`Cannot listen on ${host}:${port}: ${(error as Error).message}. Pick another --port (0 picks a free one).`);
    }
    const boundPort = server.port ?? port;
    const prepared = await prepareWorkspace(loaded.workspaceRoot);
    const ctx = await createServerContext({
      loaded,
      security: { host, port: boundPort, token },
      forceFakeBackend: backendFlag === "fake",
      ...(fakeCalls ? { fakeScript: () => structuredClone(fakeCalls) } : {}),
    });
    const app = createApp(ctx);
    server.reload({ fetch: app.fetch });
    const shownHost = host.includes(":") ? `[${host}]` : host;
    const url = `http://${shownHost}:${boundPort}/${token ? `?token=${encodeURIComponent(token)}` : ""}`;
    const backendNote = fakeScriptFile !== null ? ` (fake LLM backend, script ${JSON.stringify(fakeScriptFile)})` : backendFlag === "fake" ? " (fake LLM backend)" : "";
    io.stderr(`skills-runtime serving workspace ${loaded.workspaceRoot}${backendNote}\n`);
    if (prepared.installed.length > 0) io.stderr(`Installed example skills: ${prepared.installed.join(", ")}\n`);
    io.stdout(`Open ${url}\n`);
    if (args.flags.open === true) openBrowser(url, io, loaded.workspaceRoot);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    io.stderr("Shutting down: running runs are cancelled; runs waiting for an approval can be answered after a restart…\n");
    await ctx.runs.shutdown();
    await server.stop(true);
    return EXIT.ok;
  },
};
