import { describe, expect, test } from "bun:test";
import { ApiError } from "./api.ts";
import {
  baseUrlProblem,
  draftOf,
  extraSections,
  forcedFake,
  localServersError,
  modelProblem,
  normalizeLocalServers,
  reachability,
  sameSettings,
  settingsOf,
  statusClass,
  withLocalServer,
} from "./settings-model.ts";

describe("settings form", () => {
  test("round-trips settings, blanks meaning the server default", () => {
    const settings = { backend: "openai" as const, model: "qwen", base_url: "http://127.0.0.1:11434/v1" };
    expect(settingsOf(draftOf(settings))).toEqual(settings);
    expect(draftOf({ backend: null, model: null, base_url: null })).toEqual({ backend: "", model: "", baseUrl: "" });
    expect(settingsOf({ backend: "", model: "  ", baseUrl: " " })).toEqual({ backend: null, model: null, base_url: null });
    expect(settingsOf({ backend: "fake", model: " m ", baseUrl: " https://x.test/v1 " })).toEqual({ backend: "fake", model: "m", base_url: "https://x.test/v1" });
  });

  test("compares settings field by field", () => {
    expect(sameSettings({ backend: null, model: null, base_url: null }, { backend: null, model: null, base_url: null })).toBe(true);
    expect(sameSettings({ backend: "fake", model: null, base_url: null }, { backend: null, model: null, base_url: null })).toBe(false);
  });

  test("accepts only blank or http(s) base URLs", () => {
    expect(baseUrlProblem("")).toBeNull();
    expect(baseUrlProblem("http://127.0.0.1:8000/v1")).toBeNull();
    expect(baseUrlProblem(" https://api.example.com/v1 ")).toBeNull();
    expect(baseUrlProblem("localhost:8000")).toBe("Start the URL with http:// or https:// (for example http://localhost:8000).");
    expect(baseUrlProblem("ftp://host/v1")).toContain("ftp:");
    expect(baseUrlProblem("not a url")).toContain("Start the URL with");
    expect(baseUrlProblem("http://exa mple.com")).toContain("is not a URL");
  });

  test("limits the model name to 200 characters", () => {
    expect(modelProblem("x".repeat(200))).toBeNull();
    expect(modelProblem("x".repeat(201))).not.toBeNull();
  });
});

describe("local servers", () => {
  test("reads base_url or the probe's baseUrl and drops malformed entries", () => {
    const answer = {
      servers: [
        { name: "ollama", base_url: "http://127.0.0.1:11434/v1", models: ["llama3", 7] },
        { name: "vllm", port: 8001, baseUrl: "http://127.0.0.1:8001/v1", models: [] },
        { name: "broken" },
        null,
      ],
    };
    expect(normalizeLocalServers(answer)).toEqual([
      { name: "ollama", base_url: "http://127.0.0.1:11434/v1", models: ["llama3"] },
      { name: "vllm", base_url: "http://127.0.0.1:8001/v1", models: [] },
    ]);
    expect(normalizeLocalServers(null)).toEqual([]);
    expect(normalizeLocalServers({ servers: "x" })).toEqual([]);
  });

  test("using a server selects the OpenAI-compatible backend, its URL and a model", () => {
    const server = { name: "ollama", base_url: "http://127.0.0.1:11434/v1", models: ["a", "b"] };
    const draft = { backend: "" as const, model: "old", baseUrl: "" };
    expect(withLocalServer(draft, server)).toEqual({ backend: "openai", model: "a", baseUrl: server.base_url });
    expect(withLocalServer(draft, server, "b").model).toBe("b");
    expect(withLocalServer(draft, { ...server, models: [] }).model).toBe("old");
  });

  test("explains a missing endpoint and other failures", () => {
    expect(localServersError(new ApiError(404, "not_found", "Not Found", null))).toContain("not available");
    expect(localServersError(new ApiError(500, "internal", "boom", null))).toBe("Cannot detect local LLM servers: boom");
  });
});

describe("doctor report", () => {
  test("tells when the server forces the fake backend", () => {
    expect(forcedFake({ server: { fake_backend: true } })).toBe(true);
    expect(forcedFake({ server: { fake_backend: false } })).toBe(false);
    expect(forcedFake({})).toBe(false);
    expect(forcedFake(null)).toBe(false);
  });

  test("maps statuses and reachability to styles", () => {
    expect([statusClass("ok"), statusClass("warn"), statusClass("error"), statusClass("other")]).toEqual(["ok", "warn", "err", ""]);
    expect(reachability(true)).toEqual({ label: "reachable", cls: "ok" });
    expect(reachability(false)).toEqual({ label: "unreachable", cls: "err" });
    expect(reachability(null)).toEqual({ label: "not contacted", cls: "" });
  });

  test("keeps sections it has no layout for", () => {
    expect(extraSections({ ok: true, checks: [], server: {}, future: { a: 1 } })).toEqual([["future", { a: 1 }]]);
  });
});
