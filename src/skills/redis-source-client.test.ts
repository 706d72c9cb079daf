import { expect, test } from "bun:test";
import { DeadlineError } from "../util/deadline.ts";
import { boundedRedis, type RedisLike } from "./redis-source-client.ts";

const hang = <T>() => new Promise<T>(() => {});

test("a Redis command that never answers fails with a DeadlineError naming the command", async () => {
  const stalled: RedisLike = { scan: () => hang(), hgetall: () => hang(), getBuffer: () => hang(), strlen: () => hang() };
  const client = boundedRedis(stalled, 15);
  for (const [call, name] of [
    [() => client.scan("0", "MATCH", "*"), "redis SCAN"],
    [() => client.hgetall("k"), "redis HGETALL"],
    [() => client.getBuffer("k"), "redis GET"],
    [() => client.strlen!("k"), "redis STRLEN"],
  ] as const) {
    const error = await (call as () => Promise<unknown>)().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toBe(`${name} did not answer within 15 ms`);
  }
});

test("answers pass through and a client without STRLEN stays without it", async () => {
  const fast: RedisLike = { scan: async () => ["0", ["a"]], hgetall: async () => ({ f: "v" }), getBuffer: async () => new Uint8Array([1]) };
  const client = boundedRedis(fast, 1000);
  expect(await client.scan("0")).toEqual(["0", ["a"]]);
  expect(await client.hgetall("k")).toEqual({ f: "v" });
  expect(await client.getBuffer("k")).toEqual(new Uint8Array([1]));
  expect(client.strlen).toBeUndefined();
});
