export type Severity = "error" | "warning" | "info";

/** One finding about a proxy config, with its place in a file. */
export interface Diagnostic {
  severity: Severity;
  /** A stable name, such as `unset-env-reference`. */
  code: string;
  message: string;
  file: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** Dotted path in the YAML, such as `model_list.0.litellm_params.api_key`. */
  yamlPath?: string;
  /** The edit or command that fixes it. */
  hint?: string;
  /** The text of the line, with secrets masked, to show under it. */
  source?: string;
}

export interface CheckReport {
  /** The main file first, then every included file. */
  files: string[];
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /**
   * The config as LiteLLM will see it (includes merged, references not
   * resolved); undefined when it could not be parsed.
   */
  config: Record<string, unknown> | undefined;
}

export interface CheckOptions {
  file: string;
  /** The environment the proxy will get, before `environment_variables:`. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The checked-out LiteLLM version (PEP 440, such as `1.80.10`), if known.
   * Version-aware rules follow it; unknown means the older behaviour.
   */
  litellmVersion?: string | undefined;
}
