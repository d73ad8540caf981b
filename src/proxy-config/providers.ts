/**
 * The variables a provider reads when a deployment's `litellm_params` has
 * no `api_key` (or no `api_base`). LiteLLM reads them per request, so a
 * missing one is only seen on the first call; the checker says it before
 * start.
 */
export interface ProviderNeeds {
  /** Any one of these holds the key. Empty when none is needed. */
  keys: readonly string[];
  /** Any one of these holds the base URL, when the provider needs one. */
  bases?: readonly string[];
  /**
   * Credentials may come from files or roles the launcher cannot see
   * (AWS profiles and instance roles, Google's default credentials): a
   * missing variable is a warning, not an error.
   */
  ambient?: boolean;
}

export const PROVIDER_NEEDS: Readonly<Record<string, ProviderNeeds>> = {
  openai: { keys: ["OPENAI_API_KEY"] },
  text_completion_openai: { keys: ["OPENAI_API_KEY"] },
  anthropic: { keys: ["ANTHROPIC_API_KEY"] },
  gemini: { keys: ["GEMINI_API_KEY", "GOOGLE_API_KEY"] },
  vertex_ai: {
    keys: ["VERTEXAI_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS"],
    ambient: true,
  },
  azure: {
    keys: ["AZURE_API_KEY", "AZURE_OPENAI_API_KEY"],
    bases: ["AZURE_API_BASE"],
  },
  bedrock: {
    keys: ["AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE"],
    ambient: true,
  },
  groq: { keys: ["GROQ_API_KEY"] },
  mistral: { keys: ["MISTRAL_API_KEY"] },
  deepseek: { keys: ["DEEPSEEK_API_KEY"] },
  openrouter: { keys: ["OPENROUTER_API_KEY", "OR_API_KEY"] },
  xai: { keys: ["XAI_API_KEY"] },
  cohere: { keys: ["COHERE_API_KEY", "CO_API_KEY"] },
  cohere_chat: { keys: ["COHERE_API_KEY", "CO_API_KEY"] },
  together_ai: {
    keys: ["TOGETHERAI_API_KEY", "TOGETHER_AI_API_KEY", "TOGETHER_API_KEY"],
  },
  fireworks_ai: {
    keys: [
      "FIREWORKS_AI_API_KEY",
      "FIREWORKS_API_KEY",
      "FIREWORKSAI_API_KEY",
      "FIREWORKS_AI_TOKEN",
    ],
  },
  perplexity: { keys: ["PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"] },
  ollama: { keys: [] },
  ollama_chat: { keys: [] },
  lm_studio: { keys: [], bases: ["LM_STUDIO_API_BASE"] },
};

/** Bare model names whose provider LiteLLM infers from the name. */
const BARE_NAME_PROVIDERS: readonly [RegExp, string][] = [
  [/^(gpt-|o1|o3|o4|chatgpt-|text-embedding-|dall-e-|whisper-|tts-)/, "openai"],
  [/^claude-/, "anthropic"],
];

/**
 * The provider of `litellm_params.model`: its prefix (`openai/gpt-4o`), or
 * for a few bare names the provider LiteLLM infers. Undefined when unknown
 * to this table.
 */
export function providerOf(model: string): string | undefined {
  const slash = model.indexOf("/");
  if (slash > 0) {
    const prefix = model.slice(0, slash).replace(/-/g, "_");
    return prefix in PROVIDER_NEEDS ? prefix : undefined;
  }
  return BARE_NAME_PROVIDERS.find(([pattern]) => pattern.test(model))?.[1];
}
