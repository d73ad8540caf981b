import * as z from "zod";

export const DEFAULT_REMOTE = "https://github.com/BerriAI/litellm.git";
export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = "127.0.0.1";

const port = z.number().int().min(1).max(65_535);

/** `tdm-litellm.yaml`. Paths are relative to the file. */
export const wrapperConfigSchema = z.strictObject({
  litellm: z.strictObject({
    path: z.string().min(1).default("litellm"),
    ref: z.string().min(1).optional(),
    commit: z
      .string()
      .regex(/^[0-9a-f]{40}$/, "a full 40-character commit id")
      .optional(),
    remote: z.string().min(1).default(DEFAULT_REMOTE),
    patches: z.array(z.string().min(1)).default([]),
  }),
  proxy: z
    .strictObject({
      config: z.string().min(1).default("config/proxy_server_config.yaml"),
      host: z.string().min(1).default(DEFAULT_HOST),
      port: port.default(DEFAULT_PORT),
      env_file: z.string().min(1).optional(),
      workers: z.number().int().min(1).default(1),
      startup_timeout_seconds: z.number().positive().default(180),
      allow_non_loopback: z.boolean().default(false),
    })
    .prefault({}),
  python: z.string().min(1).optional(),
  database: z
    .strictObject({
      managed: z.boolean().default(false),
      port: port.default(5433),
    })
    .optional(),
});

export type WrapperConfigInput = z.input<typeof wrapperConfigSchema>;
export type WrapperConfigData = z.output<typeof wrapperConfigSchema>;
