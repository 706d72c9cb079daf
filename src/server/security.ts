/**
 * Security defaults of `serve` (decisions.md "Security defaults for serve"):
 * - a `Host` allowlist against DNS rebinding (the bound name and port; loopback names when bound
 *   to loopback);
 * - a same-origin check on state-changing requests (a foreign `Origin` is refused);
 * - an access token, required for any non-loopback bind: `Authorization: Bearer <token>`, or
 *   `?token=` once (the printed URL), after which an HttpOnly SameSite=Strict cookie carries it
 *   for the UI; compared in constant time;
 * - a request body limit (1 MiB by default) answered with 413 before the body is read whole.
 */
import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import { errorBody } from "./errors.ts";

export interface SecurityOptions {
  host: string;
  port: number;
  /** Access token; requests must send `Authorization: Bearer <token>`, `?token=` or the session cookie. */
  token: string | null;
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const TOKEN_COOKIE = "skills_runtime_token";

export function isLoopbackHost(host: string): boolean {
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]";
}

function allowedHosts(options: SecurityOptions): Set<string> {
  const names = isLoopbackHost(options.host) ? ["127.0.0.1", "localhost", "[::1]"] : [options.host.includes(":") ? `[${options.host}]` : options.host];
  const out = new Set<string>();
  for (const name of names) {
    out.add(`${name}:${options.port}`);
    if (options.port === 80) out.add(name);
  }
  return out;
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Compare against itself when lengths differ, so the time does not depend on where they differ.
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(b, b), false);
}

export function securityMiddleware(options: SecurityOptions): MiddlewareHandler {
  const hosts = allowedHosts(options);
  return async (c, next) => {
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    if (!hosts.has(host)) {
      return c.json(errorBody("forbidden", `Host "${host}" is not allowed`, { allowed: [...hosts] }), 403);
    }
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
      const origin = c.req.header("origin");
      if (origin !== undefined && !hosts.has(origin.replace(/^https?:\/\//, ""))) {
        return c.json(errorBody("forbidden", `Origin "${origin}" may not change state on this server`), 403);
      }
    }
    if (options.token !== null) {
      const auth = c.req.header("authorization");
      const fromQuery = new URL(c.req.url).searchParams.get("token");
      const given = auth?.startsWith("Bearer ") ? auth.slice(7) : (fromQuery ?? getCookie(c, TOKEN_COOKIE));
      if (!tokenMatches(given, options.token)) {
        return c.json(errorBody("unauthorized", "Missing or wrong access token: open the URL that serve printed, or send Authorization: Bearer <token>"), 401);
      }
      if (fromQuery !== null) setCookie(c, TOKEN_COOKIE, options.token, { httpOnly: true, sameSite: "Strict", path: "/" });
    }
    await next();
  };
}

/** 413 with the error envelope for a body over the limit. */
export function bodyLimitMiddleware(options: SecurityOptions): MiddlewareHandler {
  const maxSize = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return bodyLimit({
    maxSize,
    onError: (c) => c.json(errorBody("payload_too_large", `Request body is larger than ${maxSize} bytes`, { max_bytes: maxSize }), 413),
  });
}
