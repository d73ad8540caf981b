import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { MODEL_ID } from "./model-server.js";

/**
 * Points a project that `init` wrote at the test's parts: the LiteLLM
 * origin built from PyPI, a free port, and the model the local test
 * server offers.
 */
export function pointProjectAtTestParts(
  projectDir: string,
  parts: { originUrl: string; port: number },
): void {
  editFile(path.join(projectDir, "tdm-litellm.yaml"), (text) =>
    text
      .replace(/remote: .*/, `remote: ${parts.originUrl}`)
      .replace(/port: 4000/, `port: ${parts.port}`),
  );
  editFile(path.join(projectDir, "config/proxy_server_config.yaml"), (text) =>
    text.replace("model: openai/local-model", `model: openai/${MODEL_ID}`),
  );
}

function editFile(file: string, edit: (text: string) => string): void {
  writeFileSync(file, edit(readFileSync(file, "utf8")));
}
