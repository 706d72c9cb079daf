/**
 * The Studio in a real browser: Debian's headless Chromium (/usr/bin/chromium) driven by playwright-core,
 * against `serve` of the compiled binary. Nothing is downloaded (never `playwright install`).
 *
 *   const reason = browserSkipReason();               // throws instead under SKILLS_RUNTIME_TEST_BROWSER=required
 *   describe.skipIf(reason !== null)(skipLabel("studio", reason), () => {
 *     let server: StudioServer; let browser: StudioBrowser;
 *     beforeAll(async () => {
 *       server = await startStudioServer(await studioBinary());   // serve --backend fake --port 0, temp workspace
 *       browser = await openBrowser();                             // fresh profile, problems recorded
 *     }, 120_000);
 *     afterAll(async () => { await browser?.close(); await server?.stop(); });
 *     test("...", async () => {
 *       const page = await browser.newPage();
 *       await page.goto(server.url);
 *       await browser.screenshot(page, "loaded");                  // test-artifacts/studio/01-loaded.png
 *       expect(browser.problemList()).toEqual([]);
 *     });
 *   });
 *
 * The browser cannot reach anything but loopback: every other request goes to a dead proxy on 127.0.0.1:9 and
 * host names other than 127.0.0.1/localhost do not resolve; such requests are also listed as problems.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { compileBinary } from "../../compile/build.ts";

export const CHROMIUM_PATH = "/usr/bin/chromium";
/** Set to `required` (CI does) to fail instead of skipping when Chromium is missing. */
export const BROWSER_ENV = "SKILLS_RUNTIME_TEST_BROWSER";
export const ARTIFACTS_DIR = resolve(import.meta.dir, "../../test-artifacts/studio");

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-breakpad",
  "--disable-domain-reliability",
  // Nothing leaves loopback: off-host requests go to a closed port, off-host names do not resolve.
  "--proxy-server=http://127.0.0.1:9",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
];

/**
 * Why the browser tests cannot run here (null when they can). Under SKILLS_RUNTIME_TEST_BROWSER=required
 * a missing browser throws, so the suite fails instead of skipping.
 */
export function browserSkipReason(env: Record<string, string | undefined> = process.env): string | null {
  let reason: string | null = null;
  if (process.platform !== "linux") reason = `the browser tests use Debian's chromium, this is ${process.platform}`;
  else if (!existsSync(CHROMIUM_PATH)) reason = `chromium not installed at ${CHROMIUM_PATH} (apt-get install chromium)`;
  if (reason !== null && env[BROWSER_ENV] === "required") throw new Error(`Cannot run the browser tests (${BROWSER_ENV}=required): ${reason}`);
  return reason;
}

/** A test or describe name that says why it was skipped, e.g. `studio (skipped: chromium not installed ...)`. */
export function skipLabel(name: string, reason: string | null): string {
  return reason === null ? name : `${name} (skipped: ${reason})`;
}

let compiled: Promise<string> | undefined;

/** The binary compiled from this checkout (UI included), built once per test process into a temp dir. */
export function studioBinary(): Promise<string> {
  compiled ??= (async () => {
    const binary = join(mkdtempSync(join(tmpdir(), "sr-studio-bin-")), "skills-runtime");
    await compileBinary(binary);
    return binary;
  })();
  return compiled;
}

export interface StudioServer {
  /** The URL serve printed (with `?token=` when a token is set), e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  pid: number;
  workspaceRoot: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM by PID (SIGKILL after 5 s); resolves with the exit code. */
  stop(): Promise<number>;
}

export interface StudioServerOptions {
  /** Default: a fresh temp dir. */
  workspaceRoot?: string;
  /** More serve flags, e.g. `["--token", "s3cret-token"]`. */
  args?: string[];
  env?: Record<string, string>;
  /** How long to wait for the printed URL (default 20 s). */
  startTimeoutMs?: number;
}

/** Start `<binary> serve --backend fake --host 127.0.0.1 --port 0 --workspace-root <dir>` and wait for its URL. */
export async function startStudioServer(binary: string, options: StudioServerOptions = {}): Promise<StudioServer> {
  const workspaceRoot = options.workspaceRoot ?? mkdtempSync(join(tmpdir(), "sr-studio-ws-"));
  const argv = [binary, "serve", "--backend", "fake", "--host", "127.0.0.1", "--port", "0", "--workspace-root", workspaceRoot, ...(options.args ?? [])];
  const child = Bun.spawn(argv, {
    cwd: workspaceRoot,
    env: { PATH: "/usr/bin:/bin", HOME: workspaceRoot, ...options.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  let err = "";
  let printed: (url: string) => void = () => undefined;
  const urlPrinted = new Promise<string>((resolveUrl) => (printed = resolveUrl));
  const drain = async (stream: ReadableStream<Uint8Array>, append: (text: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) append(decoder.decode(chunk, { stream: true }));
  };
  void drain(child.stdout, (text) => {
    out += text;
    const match = out.match(/Open (http:\/\/127\.0\.0\.1:\d+\/\S*)/);
    if (match) printed(match[1]!);
  });
  void drain(child.stderr, (text) => void (err += text));

  const stop = async (): Promise<number> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    const code = await child.exited;
    clearTimeout(timer);
    return code;
  };

  const timeoutMs = options.startTimeoutMs ?? 20_000;
  let timer: Timer | undefined;
  const url = await Promise.race([
    urlPrinted,
    child.exited.then((code) => Promise.reject(new Error(`serve exited with ${code} before printing its URL\nstdout: ${out}\nstderr: ${err}`))),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`serve printed no URL within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`)), timeoutMs))),
  ])
    .catch(async (error: unknown) => {
      await stop();
      throw error;
    })
    .finally(() => clearTimeout(timer));
  const origin = new URL(url).origin;
  return { url, origin, port: Number(new URL(url).port), pid: child.pid, workspaceRoot, stdout: () => out, stderr: () => err, stop };
}

/** What went wrong in the pages of one browser; each entry is one readable line. */
export interface BrowserProblems {
  /** `console.error` and Chrome's own errors (failed loads, CSP reports). */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections. */
  pageErrors: string[];
  /** `securitypolicyviolation` events. */
  cspViolations: string[];
  /** Requests that failed at the network level (an aborted request, e.g. an SSE stream closed by navigation, is not one). */
  failedRequests: string[];
  /** Responses with status >= 400: `http 404 GET http://...`. */
  httpErrors: string[];
  /** Requests to anything but 127.0.0.1 / localhost (they are blocked). */
  offHostRequests: string[];
}

export interface StudioBrowser {
  context: BrowserContext;
  problems: BrowserProblems;
  /** Every problem as `kind: detail`, minus those matching `ignore`; `expect(browser.problemList()).toEqual([])`. */
  problemList(ignore?: RegExp[]): string[];
  clearProblems(): void;
  /** Every URL requested so far, in order. */
  requests: string[];
  newPage(): Promise<Page>;
  /** Save a full-page PNG as test-artifacts/studio/<NN>-<step>.png; returns its path. */
  screenshot(page: Page, step: string): Promise<string>;
  close(): Promise<void>;
}

export interface OpenBrowserOptions {
  viewport?: { width: number; height: number };
}

let screenshotCount = 0;

function isLoopbackUrl(url: string): boolean {
  if (!/^(https?|wss?):/.test(url)) return true; // data:, blob:, about:
  const host = new URL(url).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}

/** Launch Chromium with a fresh temp profile; problems of every page of it are recorded. */
export async function openBrowser(options: OpenBrowserOptions = {}): Promise<StudioBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "sr-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    timeout: 30_000,
  });
  const problems: BrowserProblems = { consoleErrors: [], pageErrors: [], cspViolations: [], failedRequests: [], httpErrors: [], offHostRequests: [] };
  const requests: string[] = [];

  // Reported from the page through a binding and an init script, both injected by the DevTools protocol, so the
  // page's CSP does not apply to them. (A string: the root tsconfig has no DOM types.)
  await context.exposeBinding("__studioTestCspViolation", (_source, line: string) => void problems.cspViolations.push(line));
  await context.addInitScript(`document.addEventListener("securitypolicyviolation", (e) => {
    window.__studioTestCspViolation?.(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " (" + e.sourceFile + ":" + e.lineNumber + ")");
  });`);
  context.on("request", (request) => {
    requests.push(request.url());
    if (!isLoopbackUrl(request.url())) problems.offHostRequests.push(`${request.method()} ${request.url()}`);
  });
  context.on("requestfailed", (request) => {
    const why = request.failure()?.errorText ?? "failed";
    if (why !== "net::ERR_ABORTED") problems.failedRequests.push(`${request.method()} ${request.url()}: ${why}`);
  });
  context.on("response", (response) => {
    if (response.status() >= 400) problems.httpErrors.push(`http ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  context.on("console", (message) => {
    if (message.type() !== "error") return;
    const at = message.location();
    problems.consoleErrors.push(`${message.text()}${at.url ? ` (${at.url}:${at.lineNumber})` : ""}`);
  });
  context.on("weberror", (error) => void problems.pageErrors.push(error.error().stack ?? error.error().message));

  let closed = false;
  return {
    context,
    problems,
    requests,
    problemList(ignore = []) {
      const all = Object.entries(problems).flatMap(([kind, lines]) => (lines as string[]).map((line) => `${kind}: ${line}`));
      return all.filter((line) => !ignore.some((pattern) => pattern.test(line)));
    },
    clearProblems() {
      for (const lines of Object.values(problems)) (lines as string[]).length = 0;
    },
    newPage: () => context.newPage(),
    async screenshot(page, step) {
      if (screenshotCount === 0) rmSync(ARTIFACTS_DIR, { recursive: true, force: true });
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      screenshotCount += 1;
      const slug = step.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
      const path = join(ARTIFACTS_DIR, `${String(screenshotCount).padStart(2, "0")}-${slug}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      if (closed) return;
      closed = true;
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
