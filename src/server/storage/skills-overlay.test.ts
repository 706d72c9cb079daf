import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { loadConfig } from "../../config/load.ts";
import { SkillsConfig } from "../../config/schema.ts";
import { tempDirs } from "../../../test/support/tool-context.ts";
import { renderSkillsOverlay, sessionSkillsOverlay } from "./skills-overlay.ts";

const tempDir = tempDirs("sr-overlay-");

describe("session skills overlay", () => {
  test("one web:mvp space over one filesystem source per root", () => {
    expect(sessionSkillsOverlay(["/ws/a", "/ws/b"])).toEqual({
      config_version: 1,
      skills: {
        spaces: [{ id: "space-web-mvp", namespace: "web:mvp", sources: ["web-fs-0", "web-fs-1"], enabled: true }],
        sources: [
          { id: "web-fs-0", type: "filesystem", options: { root: "/ws/a" } },
          { id: "web-fs-1", type: "filesystem", options: { root: "/ws/b" } },
        ],
        injection: { max_bytes: 65536 },
      },
    });
  });

  test("no sources means no space", () => {
    expect(sessionSkillsOverlay([]).skills).toEqual({ spaces: [], sources: [], injection: { max_bytes: 65536 } });
  });

  test("the YAML passes the engine's strict skills schema", () => {
    const parsed = YAML.parse(renderSkillsOverlay(['/ws/with "quote": and # hash'])) as { skills: unknown };
    const skills = SkillsConfig.parse(parsed.skills);
    expect(skills.sources[0]!.options.root).toBe('/ws/with "quote": and # hash');
    expect(skills.injection.max_bytes).toBe(65536);
  });

  test("loads as a config overlay on top of the defaults", () => {
    const ws = tempDir();
    const path = join(ws, "skills_overlay.yaml");
    writeFileSync(path, renderSkillsOverlay([join(ws, "skills")]));
    const loaded = loadConfig({ workspaceRoot: ws, configPaths: [path], discover: false, dotenv: false, env: {} });
    expect(loaded.config.skills.spaces).toEqual([{ id: "space-web-mvp", namespace: "web:mvp", sources: ["web-fs-0"], enabled: true }]);
    expect(loaded.config.skills.sources[0]).toEqual({ id: "web-fs-0", type: "filesystem", options: { root: join(ws, "skills") } });
  });
});
