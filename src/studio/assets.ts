/**
 * The Studio UI in `serve`: the files built by compile/ui-build.ts, listed by the generated manifest
 * (src/studio/generated/ui-manifest.ts, embedded in the compiled binary), served with explicit MIME types,
 * cache headers and a strict CSP.
 *
 * - GET / and /index.html: index.html with `cache-control: no-cache` (revalidated by its ETag);
 * - GET /assets/<hashed name>: `public, max-age=31536000, immutable`; an unknown name falls through to the app's 404;
 * - any other GET that accepts text/html and is not under /api/, /studio/api/ or /assets/ gets index.html, so a
 *   reload of a client-side route (/sessions/x) works; everything else falls through (the app's JSON 404).
 *
 * HEAD is answered by Hono from the GET route without a body. The app's security middleware (Host allowlist,
 * token, cookie) runs before these routes.
 */
import { Hono, type Context } from "hono";
import { UI_ASSETS } from "./generated/ui-manifest.ts";

/** One built file: `file` is a path on disk, or inside the binary when compiled. */
export interface UiAsset {
  file: string;
  mime: string;
  /** Content-hashed name: cacheable forever. */
  immutable: boolean;
  bytes: number;
  /** Strong ETag of the content, quoted. */
  etag: string;
}

export const STUDIO_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const IMMUTABLE = "public, max-age=31536000, immutable";
const RESERVED = ["/api", "/studio/api", "/assets"];

export interface StudioAssetsOptions {
  /** URL path -> asset; the generated manifest by default (tests pass their own). */
  assets?: Readonly<Record<string, UiAsset>>;
}

function isReserved(path: string): boolean {
  return RESERVED.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function acceptsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept);
}

/** `If-None-Match` as RFC 9110 compares it for GET: weak comparison, a list, or `*`. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const bare = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === bare;
  });
}

/** Routes serving the Studio; mount after the API routes and before the app's `notFound`. */
export function studioAssets(options: StudioAssetsOptions = {}): Hono {
  const assets = options.assets ?? UI_ASSETS;
  const index = assets["/index.html"];
  // The UI is small (tens of KiB): read each file once and keep it.
  const contents = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  const read = (asset: UiAsset) => {
    let bytes = contents.get(asset.file);
    if (bytes === undefined) {
      bytes = Bun.file(asset.file).bytes();
      contents.set(asset.file, bytes);
      bytes.catch(() => contents.delete(asset.file));
    }
    return bytes;
  };

  const send = async (c: Context, asset: UiAsset, extra: Record<string, string> = {}): Promise<Response> => {
    const headers: Record<string, string> = {
      "cache-control": asset.immutable ? IMMUTABLE : "no-cache",
      etag: asset.etag,
      "x-content-type-options": "nosniff",
      ...extra,
    };
    if (asset.mime.startsWith("text/html")) {
      headers["content-security-policy"] = STUDIO_CSP;
      headers["referrer-policy"] = "no-referrer";
    }
    if (etagMatches(c.req.header("if-none-match"), asset.etag)) return c.body(null, 304, headers);
    const body = await read(asset);
    return c.body(body, 200, { ...headers, "content-type": asset.mime, "content-length": String(body.byteLength) });
  };

  const app = new Hono();
  app.get("*", async (c, next) => {
    const path = c.req.path;
    const asset = path === "/" ? index : assets[path];
    if (asset !== undefined) return send(c, asset);
    if (path.startsWith("/assets/")) c.header("x-content-type-options", "nosniff");
    if (index === undefined || isReserved(path) || !acceptsHtml(c.req.header("accept"))) return next();
    return send(c, index, { vary: "accept" });
  });
  return app;
}
