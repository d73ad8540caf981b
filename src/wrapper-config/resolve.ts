import { existsSync } from "node:fs";
import path from "node:path";
import type { WrapperConfigData } from "./schema.js";

export const WRAPPER_CONFIG_FILE = "tdm-litellm.yaml";

/** The wrapper config with every path made absolute. */
export interface WrapperConfig {
  file: string;
  /** The directory holding the file: the project. */
  projectDir: string;
  data: WrapperConfigData;
  checkoutPath: string;
  proxyConfigPath: string;
  envFilePath: string | undefined;
  patchPaths: string[];
}

/** Resolves the file's relative paths against its directory. */
export function wrapperConfigFrom(
  file: string,
  data: WrapperConfigData,
): WrapperConfig {
  const projectDir = path.dirname(file);
  const resolve = (value: string) => path.resolve(projectDir, value);
  const defaultEnvFile = resolve(".env");
  return {
    file,
    projectDir,
    data,
    checkoutPath: resolve(data.litellm.path),
    proxyConfigPath: resolve(data.proxy.config),
    envFilePath: data.proxy.env_file
      ? resolve(data.proxy.env_file)
      : existsSync(defaultEnvFile)
        ? defaultEnvFile
        : undefined,
    patchPaths: data.litellm.patches.map(resolve),
  };
}
