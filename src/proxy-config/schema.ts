import * as z from "zod";
import {
  CACHE_PARAMS_KEYS,
  GENERAL_SETTINGS_KEYS,
  ROUTER_SETTINGS_KEYS,
  TOP_LEVEL_KEYS,
} from "./known-keys.js";
import { compileQuickTest, type QuickTest } from "./quick-test.js";

/**
 * The shape LiteLLM reads, as zod schemas built on first use (the CLI's
 * start-up should not pay for them when it does not check a config).
 * Sections whose keys LiteLLM knows are strict, so that an unknown key
 * becomes an `unrecognized_keys` issue; `litellm_params` is loose, because
 * LiteLLM passes its unknown keys on to the provider.
 */
export type ConfigSchema = z.ZodType;

let cached: ConfigSchema | undefined;
let cachedQuickTest: QuickTest | undefined;

export function configSchema(): ConfigSchema {
  cached ??= buildSchema();
  return cached;
}

/** Passes a config the schema certainly accepts; see `compileQuickTest`. */
export function configQuickTest(): QuickTest {
  cachedQuickTest ??= compileQuickTest(configSchema());
  return cachedQuickTest;
}

/** Any of these keys, each of any type unless `typed` says otherwise. */
function strictWith(
  keys: readonly string[],
  typed: Record<string, z.ZodType> = {},
) {
  const shape: Record<string, z.ZodType> = {};
  for (const key of keys) shape[key] = z.unknown().optional();
  return z.strictObject({ ...shape, ...typed });
}

function buildSchema(): ConfigSchema {
  const count = z.number().nullish();
  const seconds = z.number().nullish();
  const text = z.string().nullish();
  const flag = z.boolean().nullish();

  const litellmParams = z.looseObject({
    model: z.string(),
    api_key: text,
    api_base: text,
    api_version: text,
    organization: text,
    rpm: count,
    tpm: count,
    timeout: seconds,
    stream_timeout: seconds,
    max_retries: count,
    max_parallel_requests: count,
    input_cost_per_token: z.number().nullish(),
    output_cost_per_token: z.number().nullish(),
    vertex_project: text,
    vertex_location: text,
    aws_region_name: text,
  });

  const modelInfo = z.looseObject({
    id: z.union([z.string(), z.number()]).nullish(),
    mode: text,
    base_model: text,
    tpm: count,
    rpm: count,
    max_tokens: count,
    max_input_tokens: count,
    max_output_tokens: count,
    input_cost_per_token: z.number().nullish(),
    output_cost_per_token: z.number().nullish(),
  });

  const deployment = z.strictObject({
    model_name: z.string(),
    litellm_params: litellmParams,
    model_info: modelInfo.nullish(),
    // The router reads these beside `litellm_params` too.
    tpm: count,
    rpm: count,
  });

  const cacheParams = strictWith(CACHE_PARAMS_KEYS, {
    type: text,
    host: text,
    port: z.union([z.number(), z.string()]).nullish(),
    password: text,
    ttl: seconds,
    namespace: text,
    similarity_threshold: z.number().nullish(),
  });

  const litellmSettings = z.looseObject({
    cache: flag,
    cache_params: cacheParams.nullish(),
    drop_params: flag,
    set_verbose: flag,
    json_logs: flag,
    request_timeout: seconds,
    num_retries: count,
    success_callback: z.array(z.unknown()).nullish(),
    failure_callback: z.array(z.unknown()).nullish(),
    callbacks: z.union([z.array(z.unknown()), z.string()]).nullish(),
  });

  const generalSettings = strictWith(GENERAL_SETTINGS_KEYS, {
    master_key: text,
    database_url: text,
    store_model_in_db: flag,
    health_check_interval: seconds,
    background_health_checks: flag,
    database_connection_pool_limit: count,
    database_connection_timeout: seconds,
    max_parallel_requests: count,
    global_max_parallel_requests: count,
  });

  const routerSettings = strictWith(ROUTER_SETTINGS_KEYS, {
    routing_strategy: text,
    num_retries: count,
    timeout: seconds,
    stream_timeout: seconds,
    allowed_fails: count,
    cooldown_time: seconds,
    redis_host: text,
    redis_port: z.union([z.number(), z.string()]).nullish(),
    redis_password: text,
    fallbacks: z.array(z.unknown()).nullish(),
    context_window_fallbacks: z.array(z.unknown()).nullish(),
    content_policy_fallbacks: z.array(z.unknown()).nullish(),
    default_fallbacks: z.array(z.string()).nullish(),
    enable_pre_call_checks: flag,
  });

  return strictWith(TOP_LEVEL_KEYS, {
    model_list: z.array(deployment).nullish(),
    litellm_settings: litellmSettings.nullish(),
    general_settings: generalSettings.nullish(),
    router_settings: routerSettings.nullish(),
    environment_variables: z.record(z.string(), z.unknown()).nullish(),
    include: z.array(z.string()).nullish(),
  });
}
