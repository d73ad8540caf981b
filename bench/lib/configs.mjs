import { writeFileSync } from "node:fs";
import path from "node:path";

/** Deployments share a handful of model names, as load-balanced groups do. */
const GROUPS = 10;

/**
 * A valid LiteLLM proxy config with `count` deployments behind ten model
 * names, every field check-config looks at in use: environment
 * references, numbers, model_info ids, router settings and fallbacks.
 * The variable it references is LM_STUDIO_API_BASE.
 */
export function generatedConfig(count) {
  const lines = ["model_list:"];
  for (let index = 0; index < count; index += 1) {
    const group = index % GROUPS;
    lines.push(
      `  - model_name: group-${group}`,
      "    litellm_params:",
      `      model: openai/local-model-${index}`,
      "      api_base: os.environ/LM_STUDIO_API_BASE",
      "      api_key: not-needed",
      `      rpm: ${60 + (index % 7)}`,
      "      timeout: 30",
      "    model_info:",
      `      id: deployment-${index}`,
      "      mode: chat",
    );
  }
  lines.push(
    "",
    "litellm_settings:",
    "  drop_params: true",
    "  num_retries: 2",
    "",
    "router_settings:",
    "  routing_strategy: simple-shuffle",
    "  fallbacks:",
    "    - group-0: [group-1]",
    "",
    "general_settings:",
    "  master_key: os.environ/LITELLM_MASTER_KEY",
    "",
  );
  return lines.join("\n");
}

/** Writes the generated config to `dir` and returns its path. */
export function writeGeneratedConfig(dir, count) {
  const file = path.join(dir, `config-${count}.yaml`);
  writeFileSync(file, generatedConfig(count));
  return file;
}
