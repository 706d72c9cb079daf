/**
 * The Studio as a person uses it, in headless Chromium against the COMPILED binary (fake LLM):
 * create a session, create a skill, run a task that mentions it, watch the streamed text and the
 * tool call, approve it in the modal, see the sandbox badge and the final output, cancel a second
 * run, reload and find both in History, fork a run. Each step saves a screenshot under
 * test-artifacts/studio/.
 *
 * The workspace uses the `balanced` sandbox profile, so the scripted `shell_exec` runs inside
 * bubblewrap and its timeline entry carries the sandbox evidence.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { browserSkipReason, openBrowser, skipLabel, startStudioServer, studioBinary, type StudioBrowser, type StudioServer } from "../support/browser.ts";

const skipReason = browserSkipReason();
const STEP_TIMEOUT_MS = 30_000;
const NOTE = "hello from the workspace";

/** Call 1: some text, then `shell_exec cat studio_note.txt`; call 2: the answer, streamed in parts. */
const SCRIPT = [
  {
    events: [
      { type: "text_delta", text: "Reading the note" },
      { type: "text_delta", text: " first." },
      { type: "tool_calls", tool_calls: [{ call_id: "call_1", name: "shell_exec", raw_arguments: JSON.stringify({ argv: ["cat", "studio_note.txt"] }) }] },
      { type: "completed", finish_reason: "tool_calls" },
    ],
  },
  {
    events: [
      { type: "text_delta", text: "The note says: " },
      { type: "wait", ms: 40 },
      { type: "text_delta", text: NOTE },
      { type: "completed", finish_reason: "stop" },
    ],
  },
];

let server: StudioServer;
let browser: StudioBrowser;
let page: Page;
let firstRunUrl = "";

beforeAll(async () => {
  if (skipReason) return;
  const workspace = mkdtempSync(join(tmpdir(), "sr-studio-flow-"));
  mkdirSync(join(workspace, "config"), { recursive: true });
  writeFileSync(join(workspace, "config/runtime.yaml"), "sandbox:\n  profile: balanced\n");
  writeFileSync(join(workspace, "studio_note.txt"), `${NOTE}\n`);
  const script = join(workspace, "fake-script.json");
  writeFileSync(script, JSON.stringify(SCRIPT));
  server = await startStudioServer(await studioBinary(), { workspaceRoot: workspace, args: ["--fake-script", script] });
  browser = await openBrowser({ viewport: { width: 1280, height: 800 } });
  page = await browser.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const byTest = (id: string) => page.getByTestId(id);

/** The History tab's run statuses, newest first. */
async function historyStatuses(): Promise<(string | null)[]> {
  const items = page.locator("[data-testid=history-item]");
  const out: (string | null)[] = [];
  for (let i = 0; i < (await items.count()); i++) out.push(await items.nth(i).getAttribute("data-status"));
  return out;
}

describe.skipIf(skipReason !== null)(skipLabel("Studio in a real browser", skipReason), () => {
  test("opens with a session created for a new workspace", async () => {
    await page.goto(server.url);
    await page.waitForSelector("[data-testid=session-item]");
    expect(await byTest("session-item").count()).toBe(1);
    await browser.screenshot(page, "studio opened");
  }, STEP_TIMEOUT_MS);

  test("creates and renames a session", async () => {
    await byTest("new-session").click();
    await page.locator("[data-testid=session-item]").nth(1).waitFor();
    expect(await byTest("session-item").count()).toBe(2);
    const active = page.locator("[data-testid=session-item].active");
    await active.getByRole("button", { name: /^Rename/ }).click();
    await byTest("session-rename-input").fill("E2E session");
    await byTest("session-rename-input").press("Enter");
    await page.waitForSelector("[data-testid=session-item].active >> text=E2E session");
    expect(await byTest("active-session-title").textContent()).toBe("E2E session");
    await browser.screenshot(page, "session created and renamed");
  }, STEP_TIMEOUT_MS);

  test("creates a skill with live validation of its name", async () => {
    await byTest("view-skills").click();
    await byTest("skill-new").click();
    await byTest("skill-name").fill("Note Reader");
    await page.waitForSelector("[data-testid=skill-name-error]");
    expect(await byTest("skill-create-submit").isDisabled()).toBe(true);
    await browser.screenshot(page, "skill name rejected live");
    await byTest("skill-name").fill("note-reader");
    await byTest("skill-description").fill("Reads the workspace note and reports what it says.");
    await byTest("skill-body").fill("Read studio_note.txt with `cat` and report its text.");
    await page.locator("[data-testid=skill-create-submit]:not([disabled])").waitFor();
    await byTest("skill-create-submit").click();
    await page.waitForSelector("[data-testid=skill-card][data-skill-name=note-reader]");
    await browser.screenshot(page, "skill created");
  }, STEP_TIMEOUT_MS);

  test("runs a task mentioning the skill: streamed text, tool call, approval modal", async () => {
    await byTest("view-run").click();
    const input = byTest("composer-input");
    await input.click();
    await input.pressSequentially("Summarise the note with $[web:mvp].note");
    await page.waitForSelector("[data-testid=mention-suggestions] >> text=$[web:mvp].note-reader");
    await browser.screenshot(page, "mention autocomplete");
    await input.press("Enter"); // accepts the suggestion
    expect(await input.inputValue()).toBe("Summarise the note with $[web:mvp].note-reader ");
    await input.pressSequentially("please");
    await input.press("Enter"); // runs
    await page.waitForSelector("[data-testid=approval-modal]");
    firstRunUrl = page.url();
    expect(firstRunUrl).toMatch(/\/sessions\/sess_[0-9a-f]+\/runs\/run_[0-9a-f]+$/);
    expect(await byTest("skill-injected").textContent()).toContain("$[web:mvp].note-reader");
    expect(await byTest("assistant-text").first().textContent()).toContain("Reading the note first.");
    expect(await page.locator("[data-testid=tool-call][data-tool=shell_exec]").getAttribute("data-status")).toBe("waiting_approval");
    expect(await byTest("approval-summary").textContent()).toContain("cat studio_note.txt");
    expect(await byTest("approval-request").textContent()).toContain('"argv"');
    expect(await byTest("status-pill").first().getAttribute("data-status")).toBe("waiting_approval");
    await browser.screenshot(page, "approval modal");
  }, STEP_TIMEOUT_MS);

  test("approving runs the call in the sandbox and shows the final output", async () => {
    await byTest("modal-approve").click();
    await page.waitForSelector("[data-testid=run-end][data-type=run_completed]");
    expect(await page.locator("[data-testid=approval-modal]").count()).toBe(0);
    const call = page.locator("[data-testid=tool-call][data-tool=shell_exec]");
    expect(await call.getAttribute("data-status")).toBe("ok");
    const badge = await call.getByTestId("sandbox-badge").textContent();
    expect(badge).toMatch(/^sandbox active · Bubblewrap\w* · restricted$/);
    expect(await call.getByTestId("tool-duration").textContent()).toMatch(/\d+(\.\d+)? (ms|s)/);
    expect(await byTest("run-output").textContent()).toBe(`The note says: ${NOTE}`);
    expect(await byTest("status-pill").first().getAttribute("data-status")).toBe("completed");
    const toggle = call.getByRole("button", { name: /^(Expand|Collapse)$/ });
    if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
    expect(await call.getByTestId("tool-stdout").textContent()).toContain(NOTE);
    await byTest("dock-tab-sandbox").click();
    await browser.screenshot(page, "run completed with sandbox badge");
  }, STEP_TIMEOUT_MS);

  test("cancels a second run while it waits for approval (Esc closes the modal first)", async () => {
    const input = byTest("composer-input");
    await input.fill("Read the note again");
    await input.press("Enter");
    await page.waitForURL((url) => url.href !== firstRunUrl);
    await page.waitForSelector("[data-testid=approval-modal]");
    await page.keyboard.press("Escape");
    await page.waitForSelector("[data-testid=approval-modal]", { state: "detached" });
    await page.waitForSelector("[data-testid=approval-inline]");
    await byTest("cancel-run").click();
    await page.waitForSelector("[data-testid=run-end][data-type=run_cancelled]");
    expect(await byTest("status-pill").first().getAttribute("data-status")).toBe("cancelled");
    await browser.screenshot(page, "second run cancelled");
  }, STEP_TIMEOUT_MS);

  test("after a reload the run is rebuilt from its WAL and History lists both runs", async () => {
    const cancelledUrl = page.url();
    await page.reload();
    await page.waitForSelector("[data-testid=run-end][data-type=run_cancelled]");
    expect(page.url()).toBe(cancelledUrl);
    await byTest("dock-tab-history").click();
    await page.locator("[data-testid=history-item]").nth(1).waitFor();
    expect(await historyStatuses()).toEqual(["cancelled", "completed"]);
    expect(await page.locator("[data-testid=session-item].active").textContent()).toContain("2 runs");
    await browser.screenshot(page, "history after reload");
  }, STEP_TIMEOUT_MS);

  test("forks the completed run into a new run", async () => {
    await page.locator("[data-testid=history-item][data-status=completed]").getByTestId("history-fork").click();
    await byTest("fork-message").fill("Read the note once more");
    await byTest("fork-submit").click();
    // The fork holds the source's events (its end included), then continues with the new task.
    await page.waitForSelector("[data-testid=forked-from]");
    expect(page.url()).not.toBe(firstRunUrl);
    await page.waitForSelector("[data-testid=approval-modal]");
    await byTest("modal-approve-session").click();
    await page.locator("[data-testid=run-end][data-type=run_completed]").nth(1).waitFor();
    expect(await byTest("run-output").textContent()).toBe(`The note says: ${NOTE}`);
    expect(await byTest("status-pill").first().getAttribute("data-status")).toBe("completed");
    await byTest("dock-tab-history").click();
    await page.locator("[data-testid=history-item]").nth(2).waitFor();
    expect(await historyStatuses()).toEqual(["completed", "cancelled", "completed"]);
    await browser.screenshot(page, "forked run completed");
  }, STEP_TIMEOUT_MS);

  test("is usable in a narrow window", async () => {
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.setViewportSize({ width: 420, height: 800 });
    await browser.screenshot(page, "narrow window");
    await page.getByRole("button", { name: "Sessions" }).click();
    await page.waitForSelector("[data-testid=session-list]", { state: "visible" });
    await browser.screenshot(page, "narrow window sessions drawer");
    await page.setViewportSize({ width: 1280, height: 800 });
  }, STEP_TIMEOUT_MS);

  test("nothing went wrong in the page and nothing left 127.0.0.1", () => {
    expect(browser.problemList()).toEqual([]);
  });
});
