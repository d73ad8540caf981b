import type { Config } from "../includes.js";
import type { Environment } from "../env-references.js";
import type { YamlPath } from "../source.js";
import type { Severity } from "../types.js";

export interface Finding {
  severity: Severity;
  code: string;
  message: string;
  path: YamlPath;
  hint?: string;
  /** Point at the value rather than at its key. */
  atValue?: boolean;
}

/** What every rule reads, and where it reports. */
export interface RuleContext {
  /** The merged config, references not resolved. */
  config: Config;
  /** The merged config with references resolved as LiteLLM resolves them. */
  resolved: Config;
  /** The proxy's environment: the user's, the env file, the config's block. */
  env: Environment;
  /** The checked-out LiteLLM release (PEP 440), when known. */
  litellmVersion: string | undefined;
  report(finding: Finding): void;
}

/** A named rule: one kind of problem, found and reported. */
export type Rule = (context: RuleContext) => void;
