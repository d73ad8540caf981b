import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { UserError } from "../errors.js";
import { positionOf } from "../yaml-position.js";
import {
  WRAPPER_CONFIG_FILE,
  wrapperConfigSchema,
  type WrapperConfigData,
} from "./schema.js";

/** The wrapper config with every path made absolute. */
export interface WrapperConfig {
  file: string;
  /** The directory holding the file: the project. */
  projectDir: string;
  data: WrapperConfigData;
  checkoutPath: string;
  proxyConfigPath: string;
  envFilePath: string | undefined;
  patchPaths: string[];
}

/** Finds `tdm-litellm.yaml` in a directory or its parents. */
export function tryFindWrapperConfig(startDir: string): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, WRAPPER_CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function loadWrapperConfigOrThrow(options: {
  explicitPath?: string | undefined;
  cwd?: string;
}): WrapperConfig {
  const cwd = options.cwd ?? process.cwd();
  const file = options.explicitPath
    ? path.resolve(cwd, options.explicitPath)
    : tryFindWrapperConfig(cwd);
  if (!file) {
    throw new UserError(
      `no ${WRAPPER_CONFIG_FILE} in ${cwd} or any directory above it`,
      {
        hint: "run `tdm-litellm init` here, or pass `--config <file>`",
      },
    );
  }
  if (!existsSync(file)) {
    throw new UserError(`wrapper config ${file} does not exist`, {
      hint: "check the path given to `--config`, or run `tdm-litellm init`",
    });
  }
  return parseWrapperConfigOrThrow(file, readFileSync(file, "utf8"));
}

export function parseWrapperConfigOrThrow(
  file: string,
  text: string,
): WrapperConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const [syntaxError] = document.errors;
  if (syntaxError) {
    const { line, col } = lineCounter.linePos(syntaxError.pos[0]);
    throw new UserError(`${WRAPPER_CONFIG_FILE} is not valid YAML`, {
      location: { file, line, column: col },
      details: [firstLine(syntaxError.message)],
      hint: "fix the YAML at that position",
    });
  }

  const result = wrapperConfigSchema.safeParse(document.toJS() ?? {});
  if (!result.success) {
    const locate = (issue: z.core.$ZodIssue) =>
      issue.code === "unrecognized_keys"
        ? positionOf(document, lineCounter, [...issue.path, issue.keys[0]!])
        : positionOf(document, lineCounter, issue.path, { at: "value" });
    const details = result.error.issues.map((issue) =>
      describeIssue(issue, file, locate(issue)),
    );
    const first = result.error.issues[0];
    const position = first ? locate(first) : undefined;
    throw new UserError(`${WRAPPER_CONFIG_FILE} has invalid settings`, {
      location: { file, ...position },
      details,
      hint: `edit ${path.basename(file)} as shown; \`tdm-litellm init\` in an empty directory writes a complete example`,
    });
  }

  const projectDir = path.dirname(file);
  const data = result.data;
  const resolve = (value: string) => path.resolve(projectDir, value);
  const defaultEnvFile = resolve(".env");
  return {
    file,
    projectDir,
    data,
    checkoutPath: resolve(data.litellm.path),
    proxyConfigPath: resolve(data.proxy.config),
    envFilePath: data.proxy.env_file
      ? resolve(data.proxy.env_file)
      : existsSync(defaultEnvFile)
        ? defaultEnvFile
        : undefined,
    patchPaths: data.litellm.patches.map(resolve),
  };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  file: string,
  position: { line: number; column: number } | undefined,
): string {
  const yamlPath = issue.path.map(String).join(".") || "(top level)";
  const where = position
    ? `${path.basename(file)}:${position.line}:${position.column}`
    : path.basename(file);
  if (issue.code === "unrecognized_keys") {
    return `${where} ${yamlPath}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
  }
  return `${where} ${yamlPath}: ${issue.message}`;
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? text;
}
