export type {
  CheckOptions,
  CheckReport,
  Diagnostic,
  Severity,
} from "./types.js";
export { checkProxyConfig, readEnvironmentVariablesBlock } from "./check.js";
