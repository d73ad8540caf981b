import { existsSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";
import {
  readWithStamp,
  recallWrapperConfig,
  rememberWrapperConfig,
} from "./memo.js";
import {
  WRAPPER_CONFIG_FILE,
  wrapperConfigFrom,
  type WrapperConfig,
} from "./resolve.js";

export { WRAPPER_CONFIG_FILE, type WrapperConfig } from "./resolve.js";

/** Finds `tdm-litellm.yaml` in a directory or its parents. */
export function tryFindWrapperConfig(startDir: string): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, WRAPPER_CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The wrapper config named by `--config`, or found from the working
 * directory up. When the file has not changed since it was last read, its
 * validated content comes from a memo and the parser is not loaded.
 */
export async function loadWrapperConfigOrThrow(options: {
  explicitPath?: string | undefined;
  cwd?: string;
}): Promise<WrapperConfig> {
  const cwd = options.cwd ?? process.cwd();
  const file = options.explicitPath
    ? path.resolve(cwd, options.explicitPath)
    : tryFindWrapperConfig(cwd);
  if (!file) {
    throw new UserError(
      `no ${WRAPPER_CONFIG_FILE} in ${cwd} or any directory above it`,
      {
        hint: "run `tdm-litellm init` here, or pass `--config <file>`",
      },
    );
  }
  if (!existsSync(file)) {
    throw new UserError(`wrapper config ${file} does not exist`, {
      hint: "check the path given to `--config`, or run `tdm-litellm init`",
    });
  }

  const remembered = recallWrapperConfig(file);
  if (remembered) return wrapperConfigFrom(file, remembered);
  const { text, stamp } = readWithStamp(file);
  const { parseWrapperConfigOrThrow } = await import("./parse.js");
  const config = parseWrapperConfigOrThrow(file, text);
  rememberWrapperConfig(file, stamp, config.data);
  return config;
}
