import { describe, expect, test } from "bun:test";
import { exposeTools, mentionsToolName } from "./tool-exposure.ts";

const tools = [{ name: "shell_exec" }, { name: "file_read" }, { name: "file_write" }, { name: "web.search-v2" }];

describe("exposeTools", () => {
  test("all keeps every tool in registry order", () => {
    expect(exposeTools(tools, "all", "")).toEqual(tools);
  });

  test("none exposes nothing even when tools are named", () => {
    expect(exposeTools(tools, "none", "use file_read")).toEqual([]);
  });

  test("explicit_only exposes only the tools the task names", () => {
    expect(exposeTools(tools, "explicit_only", "Please use file_read on README.md").map((t) => t.name)).toEqual([
      "file_read",
    ]);
  });

  test("explicit_only with no names in the task exposes nothing", () => {
    expect(exposeTools(tools, "explicit_only", "summarise the project")).toEqual([]);
  });
});

describe("mentionsToolName", () => {
  test("matches names set off by spaces or punctuation other than . and -", () => {
    expect(mentionsToolName("file_read, then shell_exec", "file_read")).toBe(true);
    expect(mentionsToolName("(file_read)", "file_read")).toBe(true);
    expect(mentionsToolName("`file_read`", "file_read")).toBe(true);
    expect(mentionsToolName("file_read", "file_read")).toBe(true);
  });

  test("does not match inside a longer word", () => {
    expect(mentionsToolName("use file_read_all", "file_read")).toBe(false);
    expect(mentionsToolName("use myfile_read", "file_read")).toBe(false);
    expect(mentionsToolName("use file_read2", "file_read")).toBe(false);
    expect(mentionsToolName("use file_read.", "file_read")).toBe(false);
    expect(mentionsToolName("use x-file_read", "file_read")).toBe(false);
  });

  test("treats CJK letters and other scripts as word characters", () => {
    expect(mentionsToolName("请用file_read读取文件", "file_read")).toBe(false);
    expect(mentionsToolName("请用 file_read 读取文件", "file_read")).toBe(true);
    expect(mentionsToolName("请用「file_read」读取文件", "file_read")).toBe(true);
    expect(mentionsToolName("ファイルはfile_readで", "file_read")).toBe(false);
    expect(mentionsToolName("éfile_read", "file_read")).toBe(false);
    expect(mentionsToolName("file_read٣", "file_read")).toBe(false);
  });

  test("matches names containing regex syntax literally", () => {
    expect(mentionsToolName("call web.search-v2 now", "web.search-v2")).toBe(true);
    expect(mentionsToolName("call webXsearch-v2 now", "web.search-v2")).toBe(false);
    expect(mentionsToolName("call a+b now", "a+b")).toBe(true);
  });

  test("an empty name is never mentioned", () => {
    expect(mentionsToolName("anything", "")).toBe(false);
  });
});
