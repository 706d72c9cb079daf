import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { tempDirs } from "../../../test/support/tool-context.ts";
import { HttpError } from "../errors.ts";
import { normalizeSources, pathInsideWorkspace, trimSources } from "./filesystem-sources.ts";

const tempDir = tempDirs("sr-sources-");

describe("filesystem sources", () => {
  test("trims, drops blanks, resolves relative paths and ~, and removes duplicates", async () => {
    const ws = tempDir();
    const sources = await normalizeSources(ws, ["  skills ", "", "   ", join(ws, "skills"), "~/mine"], { HOME: join(ws, "home") });
    expect(sources).toEqual([join(ws, "skills"), join(ws, "home", "mine")]);
    expect(trimSources(["  a ", " ", "b"])).toEqual(["a", "b"]);
  });

  test("rejects a path outside the workspace with the spec's message and the input list", async () => {
    const ws = tempDir();
    const error = (await normalizeSources(ws, ["ok", "../elsewhere"], {}).catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(400);
    expect(error.kind).toBe("validation_error");
    expect(error.message).toContain("invalid filesystem_source");
    expect(error.message).toContain("path must stay within workspace_root");
    expect(error.details.filesystem_sources).toEqual(["ok", "../elsewhere"]);
  });

  test("rejects ~ when home is outside the workspace", async () => {
    const ws = tempDir();
    await expect(normalizeSources(ws, ["~"], { HOME: "/" })).rejects.toBeInstanceOf(HttpError);
  });

  test("rejects a symlink inside the workspace that points outside it", async () => {
    const ws = tempDir();
    const outside = tempDir();
    symlinkSync(outside, join(ws, "link"));
    mkdirSync(join(ws, "real"));
    expect(await pathInsideWorkspace(ws, "link", {})).toBeNull();
    expect(await pathInsideWorkspace(ws, "link/below/missing", {})).toBeNull();
    expect(await pathInsideWorkspace(ws, "real", {})).toBe(join(ws, "real"));
  });
});
