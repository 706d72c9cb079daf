/**
 * Build the Studio UI (src/studio/ui/) into dist/studio-ui/ and generate the manifest the server embeds.
 *
 *   bun compile/ui-build.ts       (`bun run ui`; compile/build.ts calls buildUi() before `bun build --compile`)
 *
 * index.html names its inputs with relative paths (`./main.tsx`, `./styles.css`, `./icon.svg`): scripts and
 * stylesheets are bundled by esbuild, any other file is copied; every output gets a content-hashed name under
 * /assets/ and the written index.html points at those names.
 *
 * src/studio/generated/ui-manifest.ts then imports each output with a literal `with { type: "file" }` import:
 * `bun build --compile` embeds those files in the binary, while `bun test` / `bun src/main.ts` get the path on
 * disk, so the server has one code path for both. The manifest maps each URL (`/assets/main-5WM33GSC.js`) to a
 * file without the hash (dist/studio-ui/files/main.js): a Bun process that has imported the manifest keeps its
 * directory listings, and a test that compiles the binary after the UI changed must still resolve the imports.
 *
 * Source maps: written as `files/*.map` in dist/studio-ui/ for decoding a minified stack trace by hand; they are
 * neither referenced by the bundle nor embedded in the binary.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const ROOT = resolve(import.meta.dir, "..");

/** MIME type per output extension; an output with another extension fails the build (add it here). */
const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

/** Files a stylesheet or script may reference (`url(./font.woff2)`, `import icon from "./x.svg"`): copied as hashed assets. */
const FILE_LOADERS: Record<string, esbuild.Loader> = { ".svg": "file", ".png": "file", ".woff2": "file" };

const TARGET = ["es2022", "chrome120", "firefox120", "safari17.2"];

export interface UiBuildOptions {
  /** UI source folder with index.html (default src/studio/ui). */
  sourceDir?: string;
  /** Output folder, left holding exactly this build's files (default dist/studio-ui). */
  outDir?: string;
  /** Generated manifest module (default src/studio/generated/ui-manifest.ts). */
  manifestPath?: string;
  /** Where the size report and esbuild messages go (default stderr with a `[compile]` prefix). */
  log?: (line: string) => void;
}

export interface BuiltUiFile {
  /** URL path served, e.g. `/assets/main-5XQ2BKJM.js`. */
  url: string;
  /** Path on disk (no hash in the name, see the header). */
  file: string;
  mime: string;
  immutable: boolean;
  bytes: number;
  gzipBytes: number;
  etag: string;
}

export interface UiBuildResult {
  outDir: string;
  manifestPath: string;
  files: BuiltUiFile[];
  /** The size report line that was logged. */
  report: string;
}

function defaultLog(line: string): void {
  process.stderr.write(`[compile] ${line}\n`);
}

/** 8 characters of the content's SHA-256 in esbuild's alphabet, for copied assets. */
function contentHash(bytes: Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const digest = createHash("sha256").update(bytes).digest();
  let out = "";
  for (let i = 0; i < 8; i++) out += alphabet[digest[i]! % 32];
  return out;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

interface HtmlRef {
  /** The attribute value as written, e.g. `./main.tsx`. */
  raw: string;
  /** Absolute source path. */
  source: string;
  kind: "script" | "style" | "copy";
}

const SCRIPT_EXT = new Set([".ts", ".tsx", ".js", ".jsx"]);

function htmlRefs(html: string, sourceDir: string): HtmlRef[] {
  const refs = new Map<string, HtmlRef>();
  for (const match of html.matchAll(/\b(?:src|href)="(\.\/[^"]+)"/g)) {
    const raw = match[1]!;
    const source = resolve(sourceDir, raw);
    if (!existsSync(source)) throw new Error(`Cannot build the Studio UI: index.html references "${raw}", which does not exist in ${sourceDir}`);
    const ext = extname(source);
    refs.set(raw, { raw, source, kind: SCRIPT_EXT.has(ext) ? "script" : ext === ".css" ? "style" : "copy" });
  }
  return [...refs.values()];
}

function formatMessages(messages: esbuild.Message[], kind: "error" | "warning"): string {
  return esbuild.formatMessagesSync(messages, { kind, color: false }).join("").trimEnd();
}

async function bundle(entries: HtmlRef[], assetsDir: string, log: (line: string) => void): Promise<esbuild.Metafile> {
  try {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: entries.map((ref) => ref.source),
      outdir: assetsDir,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "browser",
      target: TARGET,
      minify: true,
      jsx: "automatic",
      jsxImportSource: "hono/jsx/dom",
      define: { "process.env.NODE_ENV": '"production"' },
      entryNames: "[name]-[hash]",
      chunkNames: "chunk-[hash]",
      assetNames: "[name]-[hash]",
      publicPath: "/assets/",
      loader: FILE_LOADERS,
      sourcemap: "external",
      metafile: true,
      logLevel: "silent",
      write: true,
    });
    if (result.warnings.length > 0) log(`studio ui: esbuild warnings:\n${formatMessages(result.warnings, "warning")}`);
    return result.metafile;
  } catch (error) {
    const failure = error as esbuild.BuildFailure;
    if (Array.isArray(failure.errors) && failure.errors.length > 0) {
      throw new Error(`Cannot build the Studio UI: esbuild reported ${failure.errors.length} error(s):\n${formatMessages(failure.errors, "error")}`);
    }
    throw error;
  } finally {
    // esbuild keeps a service process for the next call; the test suite (and a clean exit) want it gone.
    await esbuild.stop();
  }
}

/** The generated module: literal file imports (embedded by `bun build --compile`) and the URL -> asset map. */
function manifestSource(files: BuiltUiFile[], manifestPath: string): string {
  const lines = [
    "// Generated by compile/ui-build.ts (`bun run ui`): do not edit, do not commit.",
    "// Each `with { type: \"file\" }` import is embedded by `bun build --compile`; under `bun test` or",
    "// `bun src/main.ts` it is the file's path on disk. String(): bun-types types *.html imports as HTMLBundle,",
    "// but with { type: \"file\" } every import is a path string.",
    'import type { UiAsset } from "../assets.ts";',
  ];
  files.forEach((f, i) => {
    let spec = relative(dirname(manifestPath), f.file).split("\\").join("/");
    if (!spec.startsWith(".")) spec = `./${spec}`;
    lines.push(`import f${i} from ${JSON.stringify(spec)} with { type: "file" };`);
  });
  lines.push("", "export const UI_ASSETS: Readonly<Record<string, UiAsset>> = {");
  files.forEach((f, i) => {
    lines.push(`  ${JSON.stringify(f.url)}: { file: String(f${i}), mime: ${JSON.stringify(f.mime)}, immutable: ${f.immutable}, bytes: ${f.bytes}, etag: ${JSON.stringify(f.etag)} },`);
  });
  lines.push("};", "");
  return lines.join("\n");
}

/** `main-5WM33GSC.js` -> `main.js`: the name on disk of a content-hashed output. */
function unhashed(name: string): string {
  return name.replace(/-[A-Z0-9]{8}(?=\.)/, "");
}

/**
 * Write index.html and the files it references into `stage`; returns URL path -> path relative to `stage`.
 * URLs carry the content hash (`/assets/main-5WM33GSC.js`); files on disk do not (`files/main.js`), so the
 * paths the generated manifest imports stay the same when the UI changes (see the header).
 */
async function writeOutputs(sourceDir: string, stage: string, log: (line: string) => void): Promise<Map<string, string>> {
  let html = readFileSync(join(sourceDir, "index.html"), "utf8");
  const refs = htmlRefs(html, sourceDir);
  const hashedDir = join(stage, "hashed");
  mkdirSync(hashedDir, { recursive: true });

  // Scripts and stylesheets: one esbuild run, so chunks shared by several scripts are split out once.
  const bundled = refs.filter((ref) => ref.kind !== "copy");
  const urlOf = new Map<string, string>();
  const extraCss: string[] = [];
  if (bundled.length > 0) {
    const metafile = await bundle(bundled, hashedDir, log);
    for (const [outPath, output] of Object.entries(metafile.outputs)) {
      const ref = output.entryPoint === undefined ? undefined : bundled.find((r) => resolve(ROOT, output.entryPoint!) === r.source);
      if (ref === undefined || outPath.endsWith(".map")) continue;
      urlOf.set(ref.raw, `/assets/${basename(outPath)}`);
      // CSS imported from a script comes out as a sibling stylesheet; index.html must link it.
      if (output.cssBundle) extraCss.push(`/assets/${basename(output.cssBundle)}`);
    }
  }
  for (const ref of refs.filter((r) => r.kind === "copy")) {
    const ext = extname(ref.source);
    const name = `${basename(ref.source, ext)}-${contentHash(readFileSync(ref.source))}${ext}`;
    copyFileSync(ref.source, join(hashedDir, name));
    urlOf.set(ref.raw, `/assets/${name}`);
  }
  for (const ref of refs) {
    const url = urlOf.get(ref.raw);
    if (url === undefined) throw new Error(`Cannot build the Studio UI: esbuild produced no output for "${ref.raw}"`);
    html = html.replaceAll(`"${ref.raw}"`, `"${url}"`);
  }
  if (extraCss.length > 0) {
    html = html.replace("</head>", `${extraCss.map((href) => `  <link rel="stylesheet" href="${href}" />\n`).join("")}  </head>`);
  }
  writeFileSync(join(stage, "index.html"), html);

  const served = new Map<string, string>([["/index.html", "index.html"]]);
  const filesDir = join(stage, "files");
  mkdirSync(filesDir);
  for (const file of listFiles(hashedDir).filter((f) => !f.endsWith(".map"))) {
    const name = basename(file);
    if (MIME[extname(name)] === undefined) {
      throw new Error(`Cannot build the Studio UI: no MIME type for "${name}" (add its extension to MIME in compile/ui-build.ts)`);
    }
    // Two outputs with the same unhashed name (split chunks) keep their hashed names.
    const disk = existsSync(join(filesDir, unhashed(name))) ? name : unhashed(name);
    renameSync(file, join(filesDir, disk));
    if (existsSync(`${file}.map`)) renameSync(`${file}.map`, join(filesDir, `${disk}.map`));
    served.set(`/assets/${name}`, `files/${disk}`);
  }
  rmSync(hashedDir, { recursive: true, force: true });
  return served;
}

/**
 * Make `outDir` hold exactly the files of `stage`: changed or new files are renamed over (atomic per file),
 * identical ones are left alone, files of an earlier build are removed.
 */
function syncInto(stage: string, outDir: string): void {
  const wanted = new Set(listFiles(stage).map((file) => relative(stage, file)));
  for (const rel of wanted) {
    const from = join(stage, rel);
    const to = join(outDir, rel);
    if (existsSync(to) && readFileSync(to).equals(readFileSync(from))) continue;
    mkdirSync(dirname(to), { recursive: true });
    renameSync(from, to);
  }
  for (const file of listFiles(outDir)) {
    if (!wanted.has(relative(outDir, file))) rmSync(file, { force: true });
  }
  const dirs = readdirSync(outDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isDirectory());
  for (const dir of dirs.map((entry) => join(entry.parentPath, entry.name)).sort((a, b) => b.length - a.length)) {
    if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }
}

function describeFile(url: string, file: string): BuiltUiFile {
  const bytes = readFileSync(file);
  return {
    url,
    file,
    mime: MIME[extname(file)]!,
    immutable: url.startsWith("/assets/"),
    bytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    etag: `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 22)}"`,
  };
}

/** Bundle the UI, write dist/studio-ui/ and the generated manifest, and log the bundle size. */
export async function buildUi(options: UiBuildOptions = {}): Promise<UiBuildResult> {
  const sourceDir = options.sourceDir ?? join(ROOT, "src/studio/ui");
  const outDir = options.outDir ?? join(ROOT, "dist/studio-ui");
  const manifestPath = options.manifestPath ?? join(ROOT, "src/studio/generated/ui-manifest.ts");
  const log = options.log ?? defaultLog;
  if (!existsSync(join(sourceDir, "index.html"))) throw new Error(`Cannot build the Studio UI: "${join(sourceDir, "index.html")}" does not exist`);

  // Build into a private staging folder, then move the files over: a failed build leaves the previous output
  // (and the files its manifest names) in place, and an identical build changes nothing on disk.
  mkdirSync(dirname(outDir), { recursive: true });
  const stage = mkdtempSync(`${outDir}.staging-`);
  let served: Map<string, string>;
  try {
    served = await writeOutputs(sourceDir, stage, log);
    syncInto(stage, outDir);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }

  const files = [...served].map(([url, rel]) => describeFile(url, join(outDir, rel)));
  mkdirSync(dirname(manifestPath), { recursive: true });
  const source = manifestSource(files, manifestPath);
  // Unchanged content keeps its mtime: watchers and incremental tools see no change.
  if (!existsSync(manifestPath) || readFileSync(manifestPath, "utf8") !== source) writeFileSync(manifestPath, source);

  const sized = [...files].sort((a, b) => b.bytes - a.bytes);
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const totalGzip = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  const report = `studio ui: ${sized.map((f) => `${f.url.slice(1)} ${kib(f.bytes)} (gzip ${kib(f.gzipBytes)})`).join(", ")}; total ${kib(total)} (gzip ${kib(totalGzip)})`;
  log(report);
  return { outDir, manifestPath, files, report };
}

if (import.meta.main) {
  try {
    await buildUi();
  } catch (error) {
    defaultLog((error as Error).message);
    process.exit(1);
  }
}
