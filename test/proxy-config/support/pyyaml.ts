import { execa } from "execa";
import { existsSync } from "node:fs";
import path from "node:path";
import { testCacheDir } from "../../support/cache.js";

/** The PyYAML release the LiteLLM configs in the fixtures were checked with. */
export const PYYAML_VERSION = "6.0.3";

/** uv's usual homes when it is not on PATH (scripts/setup.sh, pip --user). */
const UV_FALLBACKS = [
  "/tmp/uvtool/bin/uv",
  path.join(process.env.HOME ?? "", ".local", "bin", "uv"),
];

/**
 * A Python with PyYAML, in a venv of its own in the test cache. Throws with
 * the reason when it cannot be made, so that the test fails instead of
 * skipping.
 */
export async function pythonWithPyYaml(): Promise<string> {
  const dir = testCacheDir(`pyyaml-${PYYAML_VERSION}`);
  const python = path.join(dir, "venv", "bin", "python");
  if (existsSync(python)) {
    const probe = await execa(python, ["-c", "import yaml"], {
      reject: false,
    });
    if (probe.exitCode === 0) return python;
  }
  const uv = await findUv();
  await execa(uv, [
    "venv",
    "--quiet",
    "--allow-existing",
    path.dirname(python).replace(/\/bin$/, ""),
  ]);
  await execa(uv, [
    "pip",
    "install",
    "--quiet",
    "--python",
    python,
    `pyyaml==${PYYAML_VERSION}`,
  ]);
  return python;
}

async function findUv(): Promise<string> {
  const onPath = await execa("uv", ["--version"], { reject: false });
  if (onPath.exitCode === 0) return "uv";
  const found = UV_FALLBACKS.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new Error(
    "uv is needed to install PyYAML for the differential test; run scripts/setup.sh",
  );
}
