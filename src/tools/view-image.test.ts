import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dispatchTool, toolJsonSchema, tempDirs, unixSocketAt, writeTree } from "../../test/support/fs-tools.ts";
import { MAX_IMAGE_BYTES, guessImageMime, viewImageTool } from "./view-image.ts";

const dirs = tempDirs("view-image-");
const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("view_image", () => {
  test("the JSON schema sent to the model requires only path", () => {
    expect(toolJsonSchema(viewImageTool).required).toEqual(["path"]);
  });

  test("returns the absolute path, MIME type, base64 and size", async () => {
    const root = dirs.make();
    writeTree(root, { "img/logo.PNG": PNG_BYTES });
    const result = await dispatchTool(viewImageTool, { path: "img/logo.PNG" }, root);
    expect(result.ok).toBe(true);
    expect(result.stdout).toBe("");
    expect(result.data).toEqual({
      path: join(root, "img/logo.PNG"),
      mime: "image/png",
      base64: Buffer.from(PNG_BYTES).toString("base64"),
      bytes: 8,
    });
  });

  test("guesses the MIME type from the extension only", () => {
    expect(guessImageMime("a.jpg")).toBe("image/jpeg");
    expect(guessImageMime("a.JPEG")).toBe("image/jpeg");
    expect(guessImageMime("a.gif")).toBe("image/gif");
    expect(guessImageMime("a.webp")).toBe("image/webp");
    expect(guessImageMime("a.svg")).toBe("application/octet-stream");
    expect(guessImageMime("png")).toBe("application/octet-stream");
  });

  test("an empty path and unknown arguments are validation errors", async () => {
    const root = dirs.make();
    expect((await dispatchTool(viewImageTool, { path: "" }, root)).error_kind).toBe("validation");
    expect((await dispatchTool(viewImageTool, { path: "a.png", detail: "high" }, root)).error_kind).toBe("validation");
  });

  test("a directory is a validation error", async () => {
    const root = dirs.make();
    mkdirSync(join(root, "pics"));
    const result = await dispatchTool(viewImageTool, { path: "pics" }, root);
    expect(result.error_kind).toBe("validation");
    expect(result.stderr).toBe('Cannot view image "pics": it is not a file');
    expect(result.data).toEqual({ path: join(root, "pics") });
  });

  test("an image over 5 MiB is a validation error with bytes and max_bytes", async () => {
    const root = dirs.make();
    writeFileSync(join(root, "huge.png"), "");
    truncateSync(join(root, "huge.png"), MAX_IMAGE_BYTES + 1);
    const result = await dispatchTool(viewImageTool, { path: "huge.png" }, root);
    expect(result.error_kind).toBe("validation");
    expect(result.data).toEqual({ path: join(root, "huge.png"), bytes: MAX_IMAGE_BYTES + 1, max_bytes: MAX_IMAGE_BYTES });
  });

  test("an image of exactly 5 MiB is accepted", async () => {
    const root = dirs.make();
    writeFileSync(join(root, "edge.gif"), "");
    truncateSync(join(root, "edge.gif"), MAX_IMAGE_BYTES);
    const result = await dispatchTool(viewImageTool, { path: "edge.gif" }, root);
    expect(result.ok).toBe(true);
    expect(result.data?.bytes).toBe(MAX_IMAGE_BYTES);
  });

  test("a missing image is not_found with the path as given", async () => {
    const root = dirs.make();
    const result = await dispatchTool(viewImageTool, { path: "nope.png" }, root);
    expect(result.error_kind).toBe("not_found");
    expect(result.data).toEqual({ path: "nope.png" });
  });

  test("an image outside the workspace is a permission error", async () => {
    const root = dirs.make();
    const outside = dirs.make();
    writeTree(outside, { "x.png": PNG_BYTES });
    symlinkSync(join(outside, "x.png"), join(root, "x.png"));
    const result = await dispatchTool(viewImageTool, { path: "x.png" }, root);
    expect(result.error_kind).toBe("permission");
    expect(result.stderr).toContain("forbidden path outside workspace_root");
  });

  test("an OS error other than missing or denied is unknown", async () => {
    const root = dirs.make();
    const close = unixSocketAt(join(root, "sock.png"));
    try {
      const result = await dispatchTool(viewImageTool, { path: "sock.png" }, root);
      expect(result.error_kind).toBe("unknown");
      expect(result.stderr).toContain("(ENXIO)");
    } finally {
      close();
    }
  });
});
