/**
 * The only compile entry of the `skills-runtime` binary: argv -> cli.
 * `--version` is answered before anything else is loaded, so it stays fast.
 */
import { PRODUCT_NAME, VERSION } from "./version.ts";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v" || argv[0] === "version")) {
  process.stdout.write(`${PRODUCT_NAME} ${VERSION}\n`);
  process.exit(0);
}

const { runCli } = await import("./cli/app.ts");
const { readProcessEnv } = await import("./config/env.ts");
const controller = new AbortController();
let interrupts = 0;
const onSignal = (signal: NodeJS.Signals) => {
  interrupts += 1;
  if (interrupts > 1) process.exit(signal === "SIGINT" ? 130 : 143);
  controller.abort(new Error(`received ${signal}`));
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const code = await runCli(argv, {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: readProcessEnv(),
  cwd: process.cwd(),
  isTTY: process.stdout.isTTY === true,
  signal: controller.signal,
});
process.exit(code);
