import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { versionOverlayDir } from "./native.js";
import { readPyprojectOrThrow } from "./pyproject.js";

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
 * Runs `litellm.proxy.proxy_cli.run_server`, the click command behind the
 * `litellm` script in every era (Poetry's `litellm:run_server` and the
 * 2026 `litellm_cli.main:proxy_server` both call it). A Ctrl-C ends the
 * process by SIGINT, as a shell expects (exit status 130): uvicorn shuts
 * down gracefully and re-raises the signal, and LiteLLM's CLI would
 * otherwise turn it into exit 0.
 */
export const PROXY_BOOTSTRAP = `
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

export function proxyEntry(checkoutPath: string): ProxyEntry {
  const { version } = readPyprojectOrThrow(checkoutPath);
  return {
    args: ["-c", PROXY_BOOTSTRAP],
    pythonPath: pythonPathFor(checkoutPath, version),
    version,
  };
}

/** The checkout, then its version metadata. */
export function metadataPythonPath(checkoutPath: string): string[] {
  return pythonPathFor(
    checkoutPath,
    readPyprojectOrThrow(checkoutPath).version,
  );
}

function pythonPathFor(
  checkoutPath: string,
  version: string | undefined,
): string[] {
  const pythonPath = [checkoutPath];
  if (version) pythonPath.push(ensureMetadataOverlay(version));
  return pythonPath;
}

/**
 * LiteLLM asks `importlib.metadata` for its own version. The checkout is
 * not installed, so a directory with just its distribution metadata stands
 * beside it on PYTHONPATH; one per version, outside the checkout. The
 * compiled extension of maturin-era releases is kept there too.
 */
function ensureMetadataOverlay(version: string): string {
  const dir = versionOverlayDir(version);
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
