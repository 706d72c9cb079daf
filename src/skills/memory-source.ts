/**
 * In-memory skill source (spec 7.7): `options.namespace` selects a list of rows from the registry
 * handed to the manager (`inMemoryRegistry[namespace]`).
 *
 * Row fields: `skill_name` (slug), `description` (non-empty), `body` (string) or `body_loader`
 * (function returning a string or a promise of one), optional `locator` (default
 * `mem://<namespace>/<skill_name>`), `body_size` (integer), `required_env_vars` (list of strings).
 * Every key except skill_name, description, body and body_loader is also kept as metadata (as in the
 * reference). A bad row is a `SKILL_SCAN_METADATA_INVALID` issue with `{source_id, index, field}`
 * and is skipped. In-memory skills have no files: references and actions are unsupported.
 */
import { isValidSkillName, SKILL_NAME_RULE } from "./mentions.ts";
import { SkillError, skillIssue } from "./issues.ts";
import { isPlainObject } from "./skill-md.ts";
import type { SkillRecord, SkillSource, SourceFactory, SourceScanResult } from "./source.ts";

const INVALID = "SKILL_SCAN_METADATA_INVALID";
const NOT_METADATA = new Set(["skill_name", "description", "body", "body_loader"]);

type BodyLoader = () => string | Promise<string>;

export const createMemorySource: SourceFactory = (config, deps): SkillSource => {
  const namespaceOption = config.options.namespace;

  function rowIssue(index: number, field: string, rule: string, extra: Record<string, unknown> = {}) {
    return skillIssue(INVALID, `Cannot load in-memory skill #${index} of source "${config.id}": ${rule}`, {
      source_id: config.id,
      index,
      field,
      ...extra,
    });
  }

  return {
    id: config.id,
    type: config.type,
    async scan(): Promise<SourceScanResult> {
      const result: SourceScanResult = { skills: [], errors: [], warnings: [] };
      if (typeof namespaceOption !== "string" || namespaceOption.trim() === "") {
        result.errors.push(
          skillIssue(INVALID, `Cannot scan skill source "${config.id}": options.namespace is required for an in-memory source`, { source_id: config.id }),
        );
        return result;
      }
      const rows = deps.inMemoryRegistry[namespaceOption] ?? [];
      rows.forEach((row, index) => {
        if (!isPlainObject(row)) {
          result.errors.push(skillIssue(INVALID, `Cannot load in-memory skill #${index} of source "${config.id}": a row must be an object`, { source_id: config.id, index }));
          return;
        }
        const name = row.skill_name;
        if (typeof name !== "string" || name === "") return void result.errors.push(rowIssue(index, "skill_name", "skill_name must be a non-empty string"));
        if (!isValidSkillName(name)) {
          return void result.errors.push(
            rowIssue(index, "skill_name", `skill_name ${JSON.stringify(name)} must be ${SKILL_NAME_RULE}`, { actual: name, reason: "invalid_skill_name_slug" }),
          );
        }
        const description = row.description;
        if (typeof description !== "string" || description === "") return void result.errors.push(rowIssue(index, "description", "description must be a non-empty string"));
        let loader = row.body_loader as BodyLoader | undefined | null;
        if (loader === undefined || loader === null) {
          const body = row.body;
          if (typeof body !== "string") return void result.errors.push(rowIssue(index, "body/body_loader", "a row needs a string body or a body_loader function"));
          loader = () => body;
        }
        if (typeof loader !== "function") return void result.errors.push(rowIssue(index, "body_loader", "body_loader must be a function"));
        const bodySize = row.body_size;
        if (bodySize !== undefined && bodySize !== null && !Number.isInteger(bodySize)) {
          return void result.errors.push(rowIssue(index, "body_size", "body_size must be an integer"));
        }
        const envVars = row.required_env_vars ?? [];
        if (!Array.isArray(envVars) || !envVars.every((v) => typeof v === "string")) {
          return void result.errors.push(rowIssue(index, "required_env_vars", "required_env_vars must be a list of strings"));
        }
        const locator = typeof row.locator === "string" && row.locator !== "" ? row.locator : `mem://${namespaceOption}/${name}`;
        const metadata = Object.fromEntries(Object.entries(row).filter(([key]) => !NOT_METADATA.has(key)));
        const skill: SkillRecord = {
          skill_name: name,
          description,
          locator,
          path: null,
          body_size: (bodySize as number | undefined | null) ?? null,
          required_env_vars: [...new Set(envVars as string[])],
          metadata,
          scope: "in-memory",
          handle: loader,
        };
        result.skills.push(skill);
      });
      return result;
    },
    async readBody(skill) {
      const loader = skill.handle;
      if (typeof loader !== "function") throw new Error(`in-memory skill "${skill.skill_name}" has no body loader`);
      const body = await (loader as BodyLoader)();
      if (typeof body !== "string") throw new Error(`the body loader of in-memory skill "${skill.skill_name}" did not return a string`);
      return body;
    },
    async readReference(skill) {
      throw new SkillError("SKILL_REF_SOURCE_UNSUPPORTED", `Cannot read references of skill "${skill.skill_name}": in-memory skills have no files`, {
        details: { skill_name: skill.skill_name, source_id: config.id, source_type: config.type },
      });
    },
    async resolveAction(skill) {
      throw new SkillError("SKILL_ACTION_SOURCE_UNSUPPORTED", `Cannot run actions of skill "${skill.skill_name}": in-memory skills have no files`, {
        details: { skill_name: skill.skill_name, source_id: config.id, source_type: config.type },
      });
    },
    async close() {},
  };
};
