import type { GlobalOptions } from "../cli.js";
import { stopProcessGroup } from "../proxy-process/start.js";
import {
  clearProxyState,
  describeStaleState,
  staleReasonOf,
  tryReadProxyState,
} from "../proxy-process/state.js";
import { loadContext } from "./context.js";

/** Stops the proxy `up` started; a no-op when nothing runs. */
export async function runDown(options: GlobalOptions): Promise<void> {
  const { wrapper, logger } = await loadContext(options);
  const state = tryReadProxyState(wrapper.projectDir);
  if (!state) {
    logger.info("no proxy is running for this project");
    return;
  }
  const staleReason = staleReasonOf(state);
  if (staleReason) {
    clearProxyState(wrapper.projectDir);
    logger.info(describeStaleState(state, staleReason));
    return;
  }
  const step = logger.step(`stopping the proxy (PID ${state.pid})`);
  const how = await stopProcessGroup(state.pid);
  clearProxyState(wrapper.projectDir);
  step.done(how === "killed" ? "killed after the grace period" : "stopped");
}
