/**
 * Questions from the agent answered in the Studio (compiled binary, headless Chromium, scripted
 * fake LLM): `ask_human` with choices, then `request_user_input` with a typed answer; the run
 * waits for each answer and completes with text that uses them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { browserSkipReason, openBrowser, skipLabel, startStudioServer, studioBinary, type StudioBrowser, type StudioServer } from "../support/browser.ts";

const skipReason = browserSkipReason();
const STEP_TIMEOUT_MS = 30_000;

const call = (callId: string, name: string, args: unknown) => ({
  events: [
    { type: "tool_calls", tool_calls: [{ call_id: callId, name, raw_arguments: JSON.stringify(args) }] },
    { type: "completed", finish_reason: "tool_calls" },
  ],
});
const SCRIPT = [
  call("call_ask", "ask_human", { question: "Which name should I use?", choices: ["Ada", "Grace"] }),
  call("call_input", "request_user_input", { questions: [{ id: "city", header: "Place", question: "Which city?", options: [{ label: "Paris", description: "France" }] }] }),
  { events: [{ type: "text_delta", text: "Hello Ada from Lyon" }, { type: "completed", finish_reason: "stop" }] },
];

let server: StudioServer;
let browser: StudioBrowser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  const workspace = mkdtempSync(join(tmpdir(), "sr-studio-human-"));
  const script = join(workspace, "fake-script.json");
  writeFileSync(script, JSON.stringify(SCRIPT));
  server = await startStudioServer(await studioBinary(), { workspaceRoot: workspace, args: ["--fake-script", script] });
  browser = await openBrowser();
  page = await browser.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.skipIf(skipReason !== null)(skipLabel("Studio answers the agent's questions", skipReason), () => {
  test("an ask_human choice and a request_user_input answer let the run complete", async () => {
    await page.goto(server.url);
    const input = page.getByTestId("composer-input");
    await input.fill("Greet someone");
    await input.press("Enter");
    const ask = page.locator("[data-testid=human-request]").first();
    await ask.getByText("Which name should I use?").waitFor();
    expect(await page.getByTestId("status-pill").first().getAttribute("data-status")).toBe("waiting_human");
    await browser.screenshot(page, "agent asks a question");
    await ask.getByRole("button", { name: "Ada" }).click();
    await ask.getByText("Answer: Ada").waitFor();

    const second = page.locator("[data-testid=human-request]").nth(1);
    await second.getByText("Which city?").waitFor();
    await second.getByTestId("human-answer").fill("Lyon");
    await second.getByTestId("human-answer").press("Enter");
    await page.locator("[data-testid=run-end][data-type=run_completed]").waitFor();
    expect(await page.getByTestId("run-output").textContent()).toBe("Hello Ada from Lyon");
    expect(await second.textContent()).toContain("Answer: Lyon");
    await browser.screenshot(page, "questions answered, run completed");
    expect(browser.problemList()).toEqual([]);
  }, STEP_TIMEOUT_MS);
});
