/**
 * The OpenAPI document of `serve` (`GET /api/v1/openapi.json`), generated from the same zod
 * schemas the routes validate with. Each route module describes its routes with `describeRoute`
 * next to the handler; `openApiDocument()` assembles what was described.
 */
import { z } from "zod";
import { VERSION } from "../version.ts";

export interface RouteDoc {
  method: "get" | "post" | "put" | "delete" | "patch";
  /** Hono-style path (`/api/v1/sessions/:session_id`); converted to `{session_id}`. */
  path: string;
  summary: string;
  /** JSON request body schema. */
  body?: z.ZodType;
  /** Query parameters schema (an object schema). */
  query?: z.ZodObject;
  /** Success responses by status; `null` for a body-less response (204), a string for a media type (SSE). */
  responses: Record<number, z.ZodType | null | string>;
  /** Error statuses the route can answer with the `{detail: {kind, message, details}}` envelope. */
  errors?: number[];
  tags?: string[];
}

const routes: RouteDoc[] = [];

/** Record a route for the OpenAPI document (idempotent per method + path). */
export function describeRoute(doc: RouteDoc): void {
  const at = routes.findIndex((r) => r.method === doc.method && r.path === doc.path);
  if (at >= 0) routes[at] = doc;
  else routes.push(doc);
}

export const ErrorEnvelope = z.object({
  detail: z.object({ kind: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
});

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "output", unrepresentable: "any" }) as Record<string, unknown>;

function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const { path, params } = openApiPath(doc.path);
    const parameters: Record<string, unknown>[] = params.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } }));
    if (doc.query) {
      for (const [name, field] of Object.entries(doc.query.shape)) {
        parameters.push({ name, in: "query", required: !(field as z.ZodType).safeParse(undefined).success, schema: schema(field as z.ZodType) });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, body] of Object.entries(doc.responses)) {
      if (body === null) responses[status] = { description: "No content" };
      else if (typeof body === "string") responses[status] = { description: body, content: { [body]: {} } };
      else responses[status] = { description: "OK", content: { "application/json": { schema: schema(body) } } };
    }
    for (const status of doc.errors ?? []) {
      responses[String(status)] = { description: "Error", content: { "application/json": { schema: schema(ErrorEnvelope) } } };
    }
    (paths[path] ??= {})[doc.method] = {
      summary: doc.summary,
      ...(doc.tags ? { tags: doc.tags } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(doc.body ? { requestBody: { required: true, content: { "application/json": { schema: schema(doc.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "skills-runtime serve API", version: VERSION },
    paths,
  };
}
