/**
 * Prompt templates: choosing the system and developer texts (spec 2.9, "Template selection")
 * and filling their `{{variables}}`.
 *
 * Packaged templates are bundled text imports. Explicit texts win over paths; paths are read by
 * the caller, which hands the file texts in (`files`).
 */
import { ConfigError } from "../../util/errors.ts";
import type { ResolvedPromptSettings } from "./settings.ts";
import defaultAgentSystem from "./templates/default_agent/system.md" with { type: "text" };
import defaultAgentDeveloper from "./templates/default_agent/developer.md" with { type: "text" };
import generationDirectSystem from "./templates/generation_direct/system.md" with { type: "text" };
import generationDirectDeveloper from "./templates/generation_direct/developer.md" with { type: "text" };
import structuredTransformSystem from "./templates/structured_transform/system.md" with { type: "text" };
import structuredTransformDeveloper from "./templates/structured_transform/developer.md" with { type: "text" };
import fallbackSystem from "./templates/fallback/system.md" with { type: "text" };
import fallbackDeveloper from "./templates/fallback/developer.md" with { type: "text" };

interface TemplatePair {
  system: string;
  developer: string;
}

/** Packaged template sets by config name (`default` is the default_agent set). */
export const BUILTIN_TEMPLATES: Readonly<Record<string, TemplatePair>> = {
  default: { system: defaultAgentSystem, developer: defaultAgentDeveloper },
  default_agent: { system: defaultAgentSystem, developer: defaultAgentDeveloper },
  generation_direct: { system: generationDirectSystem, developer: generationDirectDeveloper },
  structured_transform: { system: structuredTransformSystem, developer: structuredTransformDeveloper },
};

export interface TemplateFiles {
  /** Text of `system_path`, read by the caller. */
  system?: string;
  /** Text of `developer_path`, read by the caller. */
  developer?: string;
}

export interface SelectedTemplates {
  system: string;
  /** Empty when no developer policy applies. */
  developer: string;
  /** `builtin:<name>` for a packaged set, `configured` for explicit texts/paths. */
  version: string;
}

function fileText(path: string | null, text: string | undefined, role: "system" | "developer"): string | undefined {
  if (path === null) return undefined;
  if (text === undefined) {
    throw new ConfigError(`Cannot load prompt ${role} template "${path}": the file text was not provided`, {
      details: { path },
    });
  }
  return text;
}

/** Picks the system and developer texts for the settings (packaged, configured or fallback). */
export function selectTemplates(settings: ResolvedPromptSettings, files: TemplateFiles = {}): SelectedTemplates {
  const { profile } = settings;
  const explicit =
    settings.system_text !== null ||
    settings.developer_text !== null ||
    settings.system_path !== null ||
    settings.developer_path !== null;

  if (!explicit) {
    const name = settings.template === "default" && profile !== "default_agent" ? profile : settings.template;
    const pair = Object.hasOwn(BUILTIN_TEMPLATES, name) ? BUILTIN_TEMPLATES[name] : undefined;
    if (!pair) {
      const known = Object.keys(BUILTIN_TEMPLATES).join(", ");
      throw new ConfigError(`Cannot load prompt template "${name}": no packaged template has that name (known: ${known})`, {
        details: { template: name },
      });
    }
    // Non-default profiles never get a packaged developer policy.
    return { system: pair.system, developer: profile === "default_agent" ? pair.developer : "", version: `builtin:${name}` };
  }

  const system = settings.system_text ?? fileText(settings.system_path, files.system, "system") ?? fallbackSystem;
  const developer =
    settings.developer_text ??
    fileText(settings.developer_path, files.developer, "developer") ??
    (profile === "default_agent" ? fallbackDeveloper : "");
  return { system, developer, version: "configured" };
}

export type TemplateVariables = Partial<Record<"task" | "cwd" | "tools" | "skills" | "constraints", string>>;

/**
 * Replaces `{{name}}` placeholders in one pass (values are never re-scanned, so a task that
 * contains `{{cwd}}` stays literal). Unknown placeholders are left as they are.
 */
export function renderTemplate(template: string, variables: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g, (whole, name: string) => {
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    return value ?? whole;
  });
}
