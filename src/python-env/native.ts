import { execa } from "execa";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import type { Logger } from "../output/logger.js";
import { launcherPaths } from "../paths.js";

/**
 * Maturin-era releases import a Rust extension (`litellm.rust_bridge.
 * _native`) at start-up. The launcher never compiles it: it takes the
 * compiled module from the release's own wheel on PyPI and keeps it beside
 * the version metadata, outside the checkout and outside the environment
 * (environments are shared by releases with equal dependencies).
 */
export const NATIVE_DIR_NAME = "_tdm_litellm_native";

/** The extension module's dotted name, when the release builds one. */
export function nativeModuleOf(checkoutPath: string): string | undefined {
  try {
    const data = parseToml(
      readFileSync(path.join(checkoutPath, "pyproject.toml"), "utf8"),
    ) as { tool?: { maturin?: { "module-name"?: unknown } } };
    const name = data.tool?.maturin?.["module-name"];
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Per-version directory that goes on PYTHONPATH after the checkout. */
export function versionOverlayDir(version: string): string {
  return path.join(launcherPaths().cache, "metadata", version);
}

function doneFile(version: string, pythonVersion: string): string {
  const minor = pythonVersion.split(".").slice(0, 2).join(".");
  return path.join(
    versionOverlayDir(version),
    NATIVE_DIR_NAME,
    `.fetched-py${minor}`,
  );
}

/**
 * The file whose presence shows the extension is in place (compiled in
 * the checkout, or fetched), for the no-change path to check; undefined
 * when the release has no extension.
 */
export function nativeReadyFile(options: {
  checkoutPath: string;
  version: string | undefined;
  pythonVersion: string;
}): string | undefined {
  const moduleName = nativeModuleOf(options.checkoutPath);
  if (!moduleName) return undefined;
  const built = builtInCheckout(options.checkoutPath, moduleName);
  if (built) return built;
  return doneFile(options.version ?? "unknown", options.pythonVersion);
}

/** True when the extension is present (built in the checkout or fetched). */
export function hasNativeModule(options: {
  checkoutPath: string;
  version: string | undefined;
  pythonVersion: string;
}): boolean {
  const file = nativeReadyFile(options);
  return file === undefined || existsSync(file);
}

function builtInCheckout(
  checkoutPath: string,
  moduleName: string,
): string | undefined {
  const parts = moduleName.split(".");
  const dir = path.join(checkoutPath, ...parts.slice(0, -1));
  const last = parts.at(-1) ?? "";
  try {
    const file = readdirSync(dir).find(
      (name) => name.startsWith(`${last}.`) && /\.(so|pyd)$/.test(name),
    );
    return file ? path.join(dir, file) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fetches the compiled extension of this version from PyPI's wheel, once
 * per version and Python minor version. Returns false, with a warning,
 * when no wheel has it: the probe then says what fails.
 */
export async function ensureNativeModule(options: {
  checkoutPath: string;
  version: string | undefined;
  python: string;
  pythonVersion: string;
  uv: string | undefined;
  logger: Logger;
  cancelSignal?: AbortSignal;
  log?: NodeJS.WritableStream;
}): Promise<boolean> {
  const { checkoutPath, version, logger } = options;
  const moduleName = nativeModuleOf(checkoutPath);
  if (!moduleName || hasNativeModule(options)) return true;
  if (!version) return false;

  const step = logger.step(
    `fetching the compiled ${moduleName} of ${version} from its wheel on PyPI (nothing is compiled)`,
  );
  const target = mkdtempSync(path.join(launcherPaths().cache, ".wheel-"));
  const args = [
    "install",
    "--no-deps",
    "--only-binary",
    ":all:",
    "--target",
    target,
    `litellm==${version}`,
  ];
  try {
    const child = options.uv
      ? execa(options.uv, ["pip", ...args, "--python", options.python], {
          all: true,
          cancelSignal: options.cancelSignal,
        })
      : execa(options.python, ["-m", "pip", ...args], {
          all: true,
          cancelSignal: options.cancelSignal,
        });
    const result = await child;
    options.log?.write(`${result.all}\n`);
    const parts = moduleName.split(".");
    const last = parts.at(-1) ?? "";
    const source = path.join(target, ...parts.slice(0, -1));
    const files = readdirSync(source).filter(
      (file) => file.startsWith(`${last}.`) && /\.(so|pyd)$/.test(file),
    );
    if (files.length === 0) throw new Error(`the wheel has no ${moduleName}`);
    const destination = path.join(versionOverlayDir(version), NATIVE_DIR_NAME);
    mkdirSync(destination, { recursive: true });
    for (const file of files) {
      // Named by the full module name: the finder looks it up that way.
      copyFileSync(
        path.join(source, file),
        path.join(destination, `${moduleName}${file.slice(last.length)}`),
      );
    }
    writeFileSync(
      doneFile(version, options.pythonVersion),
      `${files.join("\n")}\n`,
    );
    step.done(files.join(", "));
    return true;
  } catch (error) {
    if (options.cancelSignal?.aborted) throw error;
    step.fail();
    logger.warn(
      `no compiled ${moduleName} for litellm ${version} on PyPI; build it in the checkout with \`maturin develop\` if the proxy needs it`,
    );
    return false;
  } finally {
    rmSync(target, { recursive: true, force: true });
  }
}

/**
 * Installed into every environment: a finder, consulted after the normal
 * ones, that loads `litellm.*` extension modules from a
 * `_tdm_litellm_native` directory on sys.path. A module compiled in the
 * checkout itself still wins.
 */
const FINDER_SOURCE = `import importlib.machinery as _machinery
import importlib.util as _util
import os as _os
import sys as _sys


class TdmLitellmNativeFinder:
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if not fullname.startswith("litellm."):
            return None
        for entry in _sys.path:
            folder = _os.path.join(entry or ".", "${NATIVE_DIR_NAME}")
            for suffix in _machinery.EXTENSION_SUFFIXES:
                candidate = _os.path.join(folder, fullname + suffix)
                if _os.path.isfile(candidate):
                    loader = _machinery.ExtensionFileLoader(fullname, candidate)
                    return _util.spec_from_file_location(
                        fullname, candidate, loader=loader
                    )
        return None


if TdmLitellmNativeFinder not in _sys.meta_path:
    _sys.meta_path.append(TdmLitellmNativeFinder)
`;

export async function installNativeFinder(python: string): Promise<void> {
  const { stdout } = await execa(python, [
    "-c",
    "import sysconfig; print(sysconfig.get_paths()['purelib'])",
  ]);
  const sitePackages = stdout.trim();
  writeFileSync(
    path.join(sitePackages, "tdm_litellm_native_finder.py"),
    FINDER_SOURCE,
  );
  writeFileSync(
    path.join(sitePackages, "tdm_litellm_native_finder.pth"),
    "import tdm_litellm_native_finder\n",
  );
}
