import {
  tryFindReadyEnvironment,
  type EnsureEnvironmentOptions,
  type PythonEnvironment,
} from "./ready.js";

export {
  MARKER_FILE,
  readCompleteMarker,
  tryFindReadyEnvironment,
  type EnsureEnvironmentOptions,
  type EnvironmentMarker,
  type PythonEnvironment,
} from "./ready.js";
export type { EnvironmentPlan } from "./build.js";

/**
 * The environment for the checked-out commit: reused when one with the
 * same key is complete, built otherwise. An environment counts as complete
 * only once its install and an import probe of the proxy passed. When
 * nothing changed since the last call, this answers from two small files;
 * the installer code is loaded only when there is work to do.
 */
export async function ensurePythonEnvironment(
  options: EnsureEnvironmentOptions,
): Promise<PythonEnvironment> {
  const ready = tryFindReadyEnvironment(options);
  if (ready) return ready;
  const { buildOrReuseEnvironment } = await import("./build.js");
  return buildOrReuseEnvironment(options);
}

/** The key the checkout's environment will have, without building it. */
export async function planEnvironment(options: EnsureEnvironmentOptions) {
  const build = await import("./build.js");
  return build.planEnvironment(options);
}
