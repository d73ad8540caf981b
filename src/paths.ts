import envPaths from "env-paths";
import path from "node:path";

/**
 * Where the launcher keeps what is not the user's: XDG directories on Linux
 * (`XDG_CACHE_HOME` and friends are honoured), the platform's elsewhere.
 */
export function launcherPaths() {
  const paths = envPaths("tdm-litellm", { suffix: "" });
  return {
    /** Python environments, one per dependency set. */
    environments: path.join(paths.cache, "envs"),
    /** The admin UI copy LiteLLM serves, one per commit. */
    ui: path.join(paths.cache, "ui"),
    /** Python's compiled bytecode for the proxy (PYTHONPYCACHEPREFIX). */
    bytecode: path.join(paths.cache, "pycache"),
    /** Tools the launcher installs for itself, such as uv. */
    tools: path.join(paths.data, "tools"),
    /** Logs of installs. */
    logs: path.join(paths.log, "logs"),
    cache: paths.cache,
    data: paths.data,
    state: paths.log,
  };
}

/** Per-project state: the state file, the proxy's log, locks. */
export function projectStateDir(projectDir: string): string {
  return path.join(projectDir, ".tdm-litellm");
}
