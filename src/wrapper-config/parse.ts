import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type * as z from "zod";
import { UserError } from "../errors.js";
import { positionOf } from "../yaml-position.js";
import { WRAPPER_CONFIG_FILE, wrapperConfigFrom } from "./resolve.js";
import type { WrapperConfig } from "./resolve.js";
import { wrapperConfigSchema } from "./schema.js";

/**
 * Reads `tdm-litellm.yaml` from its text: YAML, then the schema, each
 * problem reported with its place in the file.
 */
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
  return wrapperConfigFrom(file, result.data);
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
