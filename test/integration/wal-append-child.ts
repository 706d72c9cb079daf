/**
 * Child process for wal-multiprocess.test.ts: appends `count` events to one WAL.
 * argv: <wal path> <writer id> <count> <lock strategy: flock|exclusive-create> <start at (epoch ms)>
 * Even-numbered events go through async `append`, odd ones through `appendSync`.
 */
import { makeEvent } from "../../src/events/schema.ts";
import { JsonlWal } from "../../src/wal/append.ts";

const [path, writer, countText, strategy, startAtText] = process.argv.slice(2);
if (!path || !writer || !countText || !startAtText || (strategy !== "flock" && strategy !== "exclusive-create")) {
  console.error("usage: wal-append-child.ts <wal> <writer> <count> <flock|exclusive-create> <start-at-ms>");
  process.exit(2);
}
const wal = new JsonlWal(path, { lock: { strategy } });
const delay = Number(startAtText) - Date.now();
if (delay > 0) await Bun.sleep(delay);
const indices: number[] = [];
for (let i = 0; i < Number(countText); i++) {
  const event = makeEvent("llm_response_delta", "r_multi", { delta_type: "text", text: `${writer}:${i}`, writer, i });
  indices.push(i % 2 === 0 ? await wal.append(event) : wal.appendSync(event));
}
wal.close();
console.log(JSON.stringify(indices));
