import type { GlobalOptions } from "../cli.js";
import { createLogger, type Logger } from "../output/logger.js";
import {
  loadWrapperConfigOrThrow,
  type WrapperConfig,
} from "../wrapper-config/load.js";

export interface CommandContext {
  wrapper: WrapperConfig;
  logger: Logger;
}

/** What most commands start with: the wrapper config and a logger. */
export async function loadContext(
  options: GlobalOptions,
): Promise<CommandContext> {
  return {
    wrapper: await loadWrapperConfigOrThrow({ explicitPath: options.config }),
    logger: createLogger({ verbose: options.verbose === true }),
  };
}
