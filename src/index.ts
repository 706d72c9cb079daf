/**
 * skills-runtime as a library: `import { loadConfig } from "skills-runtime"`.
 * The binary (src/main.ts) and the library share these modules.
 */
export { VERSION } from "./version.ts";
export { loadConfig, type LoadConfigOptions, type LoadedConfig, type SessionSettings } from "./config/load.ts";
export { RuntimeConfig } from "./config/schema.ts";
export { buildDoctorReport, type DoctorReport } from "./core/doctor.ts";
export { ConfigError, RuntimeError, type ErrorKind } from "./util/errors.ts";
