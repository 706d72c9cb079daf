/**
 * Security defaults of `serve` (decisions.md): Host allowlist against DNS rebinding, same-origin
 * check for state-changing requests, and a bearer token that is required off loopback.
 */
import type { MiddlewareHandler } from "hono";

export interface SecurityOptions {
  host: string;
  port: number;
  /** Access token; requests must send `Authorization: Bearer <token>` or `?token=`. */
  token: string | null;
}

export function isLoopbackHost(host: string): boolean {
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]";
}

function allowedHosts(options: SecurityOptions): Set<string> {
  const names = isLoopbackHost(options.host) ? ["127.0.0.1", "localhost", "[::1]"] : [options.host];
  const out = new Set<string>();
  for (const name of names) {
    out.add(`${name}:${options.port}`);
    if (options.port === 80) out.add(name);
  }
  return out;
}

export function securityMiddleware(options: SecurityOptions): MiddlewareHandler {
  const hosts = allowedHosts(options);
  return async (c, next) => {
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    if (!hosts.has(host)) {
      return c.json({ detail: { kind: "forbidden", message: `Host "${host}" is not allowed`, details: { allowed: [...hosts] } } }, 403);
    }
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
      const origin = c.req.header("origin");
      if (origin !== undefined && !hosts.has(origin.replace(/^https?:\/\//, ""))) {
        return c.json({ detail: { kind: "forbidden", message: `Origin "${origin}" may not change state on this server`, details: {} } }, 403);
      }
    }
    if (options.token !== null) {
      const auth = c.req.header("authorization");
      const given = auth?.startsWith("Bearer ") ? auth.slice(7) : new URL(c.req.url).searchParams.get("token");
      if (given !== options.token) {
        return c.json({ detail: { kind: "unauthorized", message: "Missing or wrong access token", details: {} } }, 401);
      }
    }
    await next();
  };
}
