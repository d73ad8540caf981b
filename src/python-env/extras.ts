import type { WrapperConfigData } from "../wrapper-config/schema.js";

/**
 * Extras beyond `proxy` that the wrapper config calls for: the database
 * extra (Prisma, spelled `extra_proxy` or `extra-proxy` by the release)
 * when a database is configured.
 */
export function extrasForWrapper(
  data: Pick<WrapperConfigData, "database">,
): string[] {
  return data.database ? ["extra_proxy"] : [];
}

/**
 * Python packages LiteLLM's callbacks import and the `proxy` extra does
 * not carry, by the callback name used in `litellm_settings.callbacks`,
 * `success_callback` and `failure_callback`.
 */
const CALLBACK_PACKAGES: Record<string, string[]> = {
  langfuse: ["langfuse"],
  langfuse_otel: ["langfuse"],
  prometheus: ["prometheus-client"],
  otel: [
    "opentelemetry-api",
    "opentelemetry-sdk",
    "opentelemetry-exporter-otlp",
  ],
  arize: ["opentelemetry-api", "opentelemetry-sdk"],
  sentry: ["sentry-sdk"],
  datadog: ["ddtrace"],
  dd_tracer: ["ddtrace"],
  mlflow: ["mlflow"],
  logfire: ["logfire"],
  lunary: ["lunary"],
  traceloop: ["traceloop-sdk"],
  s3: ["boto3"],
  gcs_bucket: ["google-cloud-storage"],
};

export interface CallbackPackages {
  packages: string[];
  /** One line per callback that needs something, for the user. */
  reasons: string[];
}

export function callbackPackagesFor(callbacks: string[]): CallbackPackages {
  const packages = new Set<string>();
  const reasons: string[] = [];
  for (const callback of [...new Set(callbacks)].sort()) {
    const needed = CALLBACK_PACKAGES[callback.toLowerCase()];
    if (!needed) continue;
    for (const name of needed) packages.add(name);
    reasons.push(`callback \`${callback}\` needs ${needed.join(", ")}`);
  }
  return { packages: [...packages].sort(), reasons };
}
