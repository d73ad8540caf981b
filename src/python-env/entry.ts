import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { launcherPaths } from "../paths.js";
import { projectVersionOf } from "./environment.js";

/**
 * How the proxy is started from a checkout's source: the checkout first on
 * PYTHONPATH (a local edit takes effect on the next start, nothing is
 * installed or compiled), and the click command that every release's
 * `litellm` console script calls.
 */
export interface ProxyEntry {
  /** Arguments after the interpreter, before the proxy's own flags. */
  args: string[];
  /** PYTHONPATH entries, in order. */
  pythonPath: string[];
  /** The release's version, when pyproject.toml states it. */
  version: string | undefined;
}

/**
 * Runs the click command. A Ctrl-C ends the process by SIGINT, as a shell
 * expects (exit status 130): uvicorn shuts down gracefully and re-raises
 * the signal, and LiteLLM's CLI would otherwise turn it into exit 0.
 */
const BOOTSTRAP = `
import os, signal, sys
interrupted = []
def on_interrupt(number, frame):
    interrupted.append(number)
    raise KeyboardInterrupt
signal.signal(signal.SIGINT, on_interrupt)
try:
    from litellm.proxy.proxy_cli import run_server
    sys.argv[0] = "litellm"
    run_server()
except KeyboardInterrupt:
    pass
finally:
    if interrupted:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
`.trim();

export function proxyEntry(checkoutPath: string, commit: string): ProxyEntry {
  const pyproject = readFileSync(
    path.join(checkoutPath, "pyproject.toml"),
    "utf8",
  );
  const version = projectVersionOf(pyproject);
  const pythonPath = [checkoutPath];
  if (version) pythonPath.push(ensureMetadataOverlay(version, commit));
  return { args: ["-c", BOOTSTRAP], pythonPath, version };
}

/**
 * LiteLLM asks `importlib.metadata` for its own version. The checkout is
 * not installed, so a directory with just its distribution metadata stands
 * beside it on PYTHONPATH; one per commit, outside the checkout.
 */
function ensureMetadataOverlay(version: string, commit: string): string {
  const dir = path.join(launcherPaths().cache, "metadata", commit);
  const distInfo = path.join(dir, `litellm-${version}.dist-info`);
  const metadata = path.join(distInfo, "METADATA");
  if (!existsSync(metadata)) {
    mkdirSync(distInfo, { recursive: true });
    writeFileSync(
      metadata,
      `Metadata-Version: 2.1\nName: litellm\nVersion: ${version}\n`,
    );
  }
  return dir;
}
