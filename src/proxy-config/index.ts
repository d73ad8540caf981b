export type {
  CheckOptions,
  CheckReport,
  Diagnostic,
  Severity,
} from "./types.js";
export { checkProxyConfig } from "./check.js";
export { readEnvironmentVariablesBlock } from "./env-references.js";
export { tryReadLitellmVersion } from "./version.js";
