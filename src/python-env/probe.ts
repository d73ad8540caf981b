import { execa, type ResultPromise } from "execa";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { launcherPaths } from "../paths.js";
import { metadataPythonPath } from "./entry.js";

/**
 * Imports the proxy's server module with the new environment and the
 * checkout's source, as a start would: a missing or broken dependency
 * fails here, not at the user's first `up`. The UI copy LiteLLM makes at
 * import goes to a temporary directory, so the checkout stays untouched.
 * The bytecode it compiles lands where the proxy's starts look for it, so
 * the first start after a sync does not compile everything again.
 */
export function probeEnvironment(options: {
  python: string;
  checkoutPath: string;
  cancelSignal?: AbortSignal;
}): ResultPromise {
  const uiDir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-probe-ui-"));
  const child = execa(
    options.python,
    [
      "-c",
      "import litellm.proxy.proxy_server, litellm.proxy.proxy_cli; print('probe: imports ok')",
    ],
    {
      cwd: options.checkoutPath,
      all: true,
      buffer: false,
      cancelSignal: options.cancelSignal,
      env: {
        PYTHONPATH: metadataPythonPath(options.checkoutPath).join(
          path.delimiter,
        ),
        PYTHONHOME: undefined,
        VIRTUAL_ENV: undefined,
        LITELLM_LOCAL_MODEL_COST_MAP: "True",
        LITELLM_UI_PATH: uiDir,
        LITELLM_MODE: "PRODUCTION",
        PYTHONPYCACHEPREFIX: launcherPaths().bytecode,
        PYTHONDONTWRITEBYTECODE: undefined,
      },
    },
  );
  void child.finally(() => rmSync(uiDir, { recursive: true, force: true }));
  return child;
}
