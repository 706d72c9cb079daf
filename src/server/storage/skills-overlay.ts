/**
 * The skills overlay of a session (spec 12.2): a config overlay file handed to every run of the
 * session. One space `space-web-mvp` (namespace `web:mvp`) over one filesystem source per session
 * source (`web-fs-<i>`), present only when there is at least one source; injection capped at 64 KiB.
 */
import YAML from "yaml";
import { z } from "zod";
import { SkillSourceConfig, SkillSpaceConfig } from "../../config/schema.ts";

export const SESSION_SPACE_ID = "space-web-mvp";
export const SESSION_NAMESPACE = "web:mvp";
export const SESSION_INJECTION_MAX_BYTES = 65536;

export const SessionSkillsOverlay = z.strictObject({
  config_version: z.literal(1),
  skills: z.strictObject({
    spaces: z.array(SkillSpaceConfig),
    sources: z.array(SkillSourceConfig),
    injection: z.strictObject({ max_bytes: z.number().int().positive() }),
  }),
});
export type SessionSkillsOverlay = z.infer<typeof SessionSkillsOverlay>;

export function sessionSkillsOverlay(sources: readonly string[]): SessionSkillsOverlay {
  const sourceIds = sources.map((_, i) => `web-fs-${i}`);
  return {
    config_version: 1,
    skills: {
      spaces: sourceIds.length > 0 ? [{ id: SESSION_SPACE_ID, namespace: SESSION_NAMESPACE, sources: sourceIds, enabled: true }] : [],
      sources: sources.map((root, i) => ({ id: sourceIds[i]!, type: "filesystem", options: { root } })),
      injection: { max_bytes: SESSION_INJECTION_MAX_BYTES },
    },
  };
}

export function renderSkillsOverlay(sources: readonly string[]): string {
  return `# Written by skills-runtime serve for this session; rewritten whenever its skill sources change.\n${YAML.stringify(sessionSkillsOverlay(sources))}`;
}
