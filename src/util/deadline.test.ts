import { expect, test } from "bun:test";
import { DeadlineError, withDeadline } from "./deadline.ts";

test("passes a value through when the promise settles in time", async () => {
  expect(await withDeadline(Promise.resolve(42), 1000, "the answer")).toBe(42);
});

test("passes a rejection through unchanged", async () => {
  await expect(withDeadline(Promise.reject(new Error("boom")), 1000, "x")).rejects.toThrow("boom");
});

test("rejects with a DeadlineError naming the operation when the promise hangs", async () => {
  const hang = new Promise<never>(() => {});
  const error = await withDeadline(hang, 20, "redis SCAN").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DeadlineError);
  expect((error as DeadlineError).message).toBe("redis SCAN did not answer within 20 ms");
  expect((error as DeadlineError).timeoutMs).toBe(20);
});
