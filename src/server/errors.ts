/**
 * The HTTP error model of `serve` (spec 12.3): handler errors answer with the reference's envelope
 * `{"detail": {"kind", "message", "details"}}`; request bodies that fail their zod schema answer 422
 * with FastAPI's list shape `{"detail": [{loc, msg, type}]}`. The status comes from the kind, in this
 * one place (style: errors have a kind; one place maps kinds to HTTP statuses).
 */
import type { Context, ErrorHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { isRuntimeError } from "../util/errors.ts";

export type HttpErrorKind =
  | "validation_error"
  | "validation"
  | "not_found"
  | "conflict"
  | "forbidden"
  | "unauthorized"
  | "payload_too_large"
  | "internal";

const STATUS: Record<HttpErrorKind, ContentfulStatusCode> = {
  validation_error: 400,
  validation: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthorized: 401,
  payload_too_large: 413,
  internal: 500,
};

/** A handler failure the client should see as `{detail: {kind, message, details}}`. */
export class HttpError extends Error {
  readonly kind: HttpErrorKind;
  readonly details: Record<string, unknown>;
  readonly status: ContentfulStatusCode;

  constructor(kind: HttpErrorKind, message: string, details: Record<string, unknown> = {}, status?: ContentfulStatusCode) {
    super(message);
    this.name = "HttpError";
    this.kind = kind;
    this.details = details;
    this.status = status ?? STATUS[kind];
  }
}

export function errorBody(kind: string, message: string, details: Record<string, unknown> = {}) {
  return { detail: { kind, message, details } };
}

/** FastAPI's 422 list for a failed zod parse of `where` ("body", "query", "path"). */
export function validationBody(error: z.ZodError, where = "body") {
  return {
    detail: error.issues.map((issue) => ({
      loc: [where, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
      msg: issue.message,
      type: issue.code,
    })),
  };
}

/** Parse `value` with `schema` or throw a 422 (as FastAPI answers a body that fails its model). */
export class RequestValidationError extends Error {
  readonly zodError: z.ZodError;
  readonly where: string;
  constructor(zodError: z.ZodError, where: string) {
    super(`Request ${where} is invalid`);
    this.zodError = zodError;
    this.where = where;
  }
}

export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, where = "body"): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RequestValidationError(parsed.error, where);
  return parsed.data;
}

/** The JSON body of a request; an unreadable or non-JSON body is a 422 like a schema failure. */
export async function jsonBody(c: Context, { optional = false }: { optional?: boolean } = {}): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") {
    if (optional) return undefined;
    throw new HttpError("validation_error", "Request body is empty: send a JSON object", {}, 422);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError("validation_error", `Request body is not valid JSON: ${(error as Error).message}`, {}, 422);
  }
}

/** The app's one `onError`: known errors keep their kind; anything else is a 500 without internals. */
export const onError: ErrorHandler = (error, c) => {
  if (error instanceof HttpError) return c.json(errorBody(error.kind, error.message, error.details), error.status);
  if (error instanceof RequestValidationError) return c.json(validationBody(error.zodError, error.where), 422);
  if (isRuntimeError(error)) {
    const kind = error.kind === "not_found" ? "not_found" : error.kind === "validation" ? "validation_error" : "internal";
    const status = STATUS[kind];
    return c.json(errorBody(kind, error.message, status === 500 ? {} : error.details), status);
  }
  console.error("serve: unhandled error", error);
  return c.json(errorBody("internal", "Internal server error"), 500);
};
