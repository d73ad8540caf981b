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
export function loadContext(options: GlobalOptions): CommandContext {
  return {
    wrapper: loadWrapperConfigOrThrow({ explicitPath: options.config }),
    logger: createLogger({ verbose: options.verbose === true }),
  };
}
