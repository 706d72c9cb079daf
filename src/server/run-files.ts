/**
 * The files of a Studio run under `<ws>/.skills_runtime_sdk/runs/<run_id>/` (spec 12.2):
 * - `run.json` `{run_id, session_id, created_at, message, forked_from?}`, written atomically;
 * - `events.jsonl`, pre-created empty so a stream never waits on a missing file;
 * - `owner.json` `{pid, hostname, instance_id, since}` while a server process executes the run
 *   (our addition): a run whose owner is alive elsewhere is left alone by restart recovery, so two
 *   servers over one workspace never both continue the same run.
 *
 * Run ids from URLs are checked twice before any file access: the storage rule (one folder inside
 * `runs/`) and the WAL's run-id rule (no control characters, no separators); both are 400.
 */
import { hostname } from "node:os";
import { mkdir, open, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { HttpError } from "./errors.ts";
import { readJsonFile, writeJsonAtomic } from "./storage/json-file.ts";
import { runDir as layoutRunDir, storageLayout, type StorageLayout } from "./storage/layout.ts";
import { runIdProblem, WAL_FILE_NAME } from "../wal/paths.ts";

export const RunJson = z.looseObject({
  run_id: z.string(),
  session_id: z.string().nullable().default(null),
  created_at: z.string().default(""),
  /** The task the run was created with. */
  message: z.string().optional(),
  forked_from: z.looseObject({ run_id: z.string(), seq: z.number().int() }).optional(),
});
export type RunJson = z.infer<typeof RunJson>;

export const RunOwner = z.looseObject({
  pid: z.number().int(),
  hostname: z.string(),
  instance_id: z.string(),
  since: z.string().optional(),
});
export type RunOwner = z.infer<typeof RunOwner>;

const RUN_JSON = "run.json";
const OWNER_JSON = "owner.json";

/** Instance ids of the run managers alive in this process (owner checks within one process). */
const liveInstances = new Set<string>();

export function registerInstance(instanceId: string): void {
  liveInstances.add(instanceId);
}

export function unregisterInstance(instanceId: string): void {
  liveInstances.delete(instanceId);
}

/** The run's folder; 400 `validation_error` for an id that is not one safe folder name. */
export function checkedRunDir(layout: StorageLayout, runId: string): string {
  const dir = layoutRunDir(layout, runId);
  const problem = runIdProblem(runId);
  if (problem !== null) throw new HttpError("validation_error", `Invalid run_id ${JSON.stringify(runId)}: ${problem}`, { run_id: runId });
  return dir;
}

/** Whether the process that owns a run is alive (same host only; another host is trusted to be). */
export function ownerAlive(owner: RunOwner, myInstanceId: string): boolean {
  if (owner.instance_id === myInstanceId) return false;
  if (owner.hostname !== hostname()) return true;
  if (owner.pid === process.pid) return liveInstances.has(owner.instance_id);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class RunFiles {
  readonly layout: StorageLayout;

  constructor(workspaceRoot: string) {
    this.layout = storageLayout(workspaceRoot);
  }

  dir(runId: string): string {
    return checkedRunDir(this.layout, runId);
  }

  walPath(runId: string): string {
    return join(this.dir(runId), WAL_FILE_NAME);
  }

  /** run.json of a run, or null when missing or unreadable. */
  async readRunJson(runId: string): Promise<RunJson | null> {
    const read = await readJsonFile(join(this.dir(runId), RUN_JSON));
    if (read.state !== "ok") return null;
    const parsed = RunJson.safeParse(read.value);
    return parsed.success ? parsed.data : null;
  }

  /** Create the folder, write run.json and pre-create an empty events.jsonl. */
  async create(record: RunJson): Promise<void> {
    const dir = this.dir(record.run_id);
    await mkdir(dir, { recursive: true });
    await writeJsonAtomic(join(dir, RUN_JSON), record);
    const handle = await open(join(dir, WAL_FILE_NAME), "a");
    await handle.close();
  }

  /** Whether the run has a folder with a WAL (or a run.json). */
  async exists(runId: string): Promise<boolean> {
    const dir = this.dir(runId);
    for (const name of [WAL_FILE_NAME, RUN_JSON]) {
      const handle = await open(join(dir, name), "r").catch(() => null);
      if (handle) {
        await handle.close();
        return true;
      }
    }
    return false;
  }

  async writeOwner(runId: string, instanceId: string, since: string): Promise<void> {
    const owner: RunOwner = { pid: process.pid, hostname: hostname(), instance_id: instanceId, since };
    await writeJsonAtomic(join(this.dir(runId), OWNER_JSON), owner);
  }

  async readOwner(runId: string): Promise<RunOwner | null> {
    const read = await readJsonFile(join(this.dir(runId), OWNER_JSON));
    if (read.state !== "ok") return null;
    const parsed = RunOwner.safeParse(read.value);
    return parsed.success ? parsed.data : null;
  }

  /** Remove owner.json if it is still ours. */
  async releaseOwner(runId: string, instanceId: string): Promise<void> {
    const owner = await this.readOwner(runId);
    if (owner && owner.instance_id === instanceId) await unlink(join(this.dir(runId), OWNER_JSON)).catch(() => undefined);
  }

  /** Whether another live process (or manager) executes the run now. */
  async ownedElsewhere(runId: string, myInstanceId: string): Promise<RunOwner | null> {
    const owner = await this.readOwner(runId);
    return owner && ownerAlive(owner, myInstanceId) ? owner : null;
  }

  /** Every folder name under runs/ that is a valid run id. */
  async listRunIds(): Promise<string[]> {
    const names = await readdir(this.layout.runsDir).catch(() => [] as string[]);
    return names.filter((name) => !name.startsWith(".") && runIdProblem(name) === null);
  }
}
