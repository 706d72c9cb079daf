import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildUi } from "./ui-build.ts";

/** A tiny UI source folder (no package imports, so it builds from a temp dir). */
function fixture(files: Record<string, string> = {}): { root: string; sourceDir: string; outDir: string; manifestPath: string } {
  const root = mkdtempSync(join(tmpdir(), "sr-ui-build-"));
  const sourceDir = join(root, "ui");
  mkdirSync(sourceDir);
  const all = {
    "index.html": '<!doctype html><html><head><link rel="icon" href="./icon.svg" /><link rel="stylesheet" href="./styles.css" /></head><body><script type="module" src="./main.ts"></script></body></html>',
    "main.ts": 'import { greet } from "./greet.ts";\ndocument.body.append(greet("studio"));\n',
    "greet.ts": "export const greet = (name: string): string => `hello ${name}`;\n",
    "styles.css": '@import "./base.css";\n.app { color: red; }\n',
    "base.css": "body { margin: 0; }\n",
    "icon.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
    ...files,
  };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(sourceDir, name), text);
  return { root, sourceDir, outDir: join(root, "out"), manifestPath: join(root, "generated/ui-manifest.ts") };
}

describe("buildUi", () => {
  test("bundles, hashes and rewrites index.html, and generates file imports for every output", async () => {
    const f = fixture();
    const lines: string[] = [];
    const result = await buildUi({ ...f, log: (line) => lines.push(line) });

    const html = readFileSync(join(f.outDir, "index.html"), "utf8");
    const js = html.match(/src="\/assets\/(main-[A-Z0-9]{8}\.js)"/)?.[1];
    const css = html.match(/href="\/assets\/(styles-[A-Z0-9]{8}\.css)"/)?.[1];
    const svg = html.match(/href="\/assets\/(icon-[A-Z0-9]{8}\.svg)"/)?.[1];
    expect([js, css, svg].every(Boolean)).toBe(true);
    expect(html).not.toContain("./");
    // On disk without the hash: the manifest's import paths do not change with the content.
    expect(readFileSync(join(f.outDir, "files/main.js"), "utf8")).toContain("hello");
    expect(readFileSync(join(f.outDir, "files/styles.css"), "utf8")).toContain("margin:0");

    expect(result.files.map((file) => file.url).sort()).toEqual(["/index.html", `/assets/${css}`, `/assets/${js}`, `/assets/${svg}`].sort());
    const byUrl = Object.fromEntries(result.files.map((file) => [file.url, file]));
    expect(byUrl["/index.html"]).toMatchObject({ mime: "text/html; charset=utf-8", immutable: false });
    expect(byUrl[`/assets/${js}`]).toMatchObject({ file: join(f.outDir, "files/main.js"), mime: "text/javascript; charset=utf-8", immutable: true });
    expect(byUrl[`/assets/${css}`]?.mime).toBe("text/css; charset=utf-8");
    expect(byUrl[`/assets/${svg}`]?.mime).toBe("image/svg+xml");

    const manifest = readFileSync(f.manifestPath, "utf8");
    expect(manifest).toContain("do not edit");
    expect(manifest).toContain(`import f0 from "../out/index.html" with { type: "file" };`);
    expect(manifest).toContain(`from "../out/files/main.js" with { type: "file" };`);
    expect(manifest).toContain(`${JSON.stringify(`/assets/${js}`)}: { file: String(f`);
    expect(manifest).not.toContain(".map");
    // Source maps stay on disk beside the bundle, outside the manifest.
    expect(existsSync(join(f.outDir, "files/main.js.map"))).toBe(true);

    const report = lines.at(-1) ?? "";
    expect(report).toStartWith("studio ui: ");
    expect(report).toMatch(new RegExp(`assets/${js} [\\d.]+ KiB \\(gzip [\\d.]+ KiB\\)`));
    expect(report).toMatch(/; total [\d.]+ KiB \(gzip [\d.]+ KiB\)$/);
  });

  test("an identical rebuild changes nothing; a changed source changes the URL, not the file the manifest imports", async () => {
    const f = fixture();
    const first = await buildUi({ ...f, log: () => undefined });
    const again = await buildUi({ ...f, log: () => undefined });
    expect(again.files.map((file) => file.url)).toEqual(first.files.map((file) => file.url));

    writeFileSync(join(f.sourceDir, "greet.ts"), "export const greet = (name: string): string => `hi ${name}`;\n");
    const changed = await buildUi({ ...f, log: () => undefined });
    const oldJs = first.files.find((file) => file.url.endsWith(".js"))!.url;
    const newJs = changed.files.find((file) => file.url.endsWith(".js"))!.url;
    expect(newJs).not.toBe(oldJs);
    expect(changed.files.find((file) => file.url === newJs)?.file).toBe(join(f.outDir, "files/main.js"));
    expect(readFileSync(join(f.outDir, "index.html"), "utf8")).toContain(`src="${newJs}"`);
    expect(readdirSync(join(f.outDir, "files")).sort()).toEqual(["icon.svg", "main.js", "main.js.map", "styles.css", "styles.css.map"]);
  });

  test("fails with esbuild's messages and keeps the previous output", async () => {
    const f = fixture();
    const good = await buildUi({ ...f, log: () => undefined });
    writeFileSync(join(f.sourceDir, "main.ts"), 'import { nope } from "./missing.ts";\nnope();\n');
    const error = await buildUi({ ...f, log: () => undefined }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("Cannot build the Studio UI: esbuild reported 1 error(s)");
    expect((error as Error).message).toContain('Could not resolve "./missing.ts"');
    for (const file of good.files) expect(existsSync(file.file)).toBe(true);
    expect(readdirSync(f.root).filter((name) => name.includes("staging"))).toEqual([]);
  });

  test("refuses a reference index.html makes to a missing file", async () => {
    const f = fixture({ "index.html": '<link rel="stylesheet" href="./nope.css" />' });
    await expect(buildUi({ ...f, log: () => undefined })).rejects.toThrow('index.html references "./nope.css", which does not exist');
  });
});
