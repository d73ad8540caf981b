import chalk from "chalk";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import type { GlobalOptions } from "../cli.js";
import { isErrnoException, UserError } from "../errors.js";
import { createLogger } from "../output/logger.js";
import { packageRoot } from "../package-root.js";

export interface InitOptions extends GlobalOptions {
  dir: string;
}

interface PlannedFile {
  relative: string;
  content: string;
  mode: number;
}

/** Writes the starting files; a file that exists is kept as it is. */
export async function runInit(options: InitOptions): Promise<void> {
  const logger = createLogger({ verbose: options.verbose === true });
  const dir = path.resolve(options.dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UserError(`${dir} is a file, not a directory`, {
      hint: "pass `--dir` a directory (it is created when missing)",
    });
  }
  const template = (name: string) =>
    readFileSync(path.join(packageRoot(), "config", name), "utf8");
  const files: PlannedFile[] = [
    {
      relative: "tdm-litellm.yaml",
      content: template("tdm-litellm.yaml"),
      mode: 0o644,
    },
    {
      relative: "config/proxy_server_config.yaml",
      content: template("proxy_server_config.yaml"),
      mode: 0o644,
    },
    { relative: ".env.example", content: template("env.example"), mode: 0o644 },
    {
      relative: ".env",
      content: freshEnvFile(template("env.example")),
      mode: 0o600,
    },
  ];

  for (const file of files) {
    const target = path.join(dir, file.relative);
    if (writeIfAbsent(target, file.content, file.mode)) {
      logger.info(`${chalk.green("wrote")} ${file.relative}`);
    } else {
      logger.info(`${chalk.dim("kept")}  ${file.relative} (exists)`);
    }
  }
  logger.info(
    `next: ${chalk.bold("tdm-litellm checkout <tag>")}, then ${chalk.bold("tdm-litellm up")}`,
  );
  await Promise.resolve();
}

/** The example with a freshly generated master key in place of the placeholder. */
function freshEnvFile(example: string): string {
  const key = `sk-${randomBytes(24).toString("base64url")}`;
  return example
    .replace(
      /^# Copy to \.env.*\n(#.*\n)*/m,
      "# Secrets for the proxy. Never commit this file.\n",
    )
    .replace(/^LITELLM_MASTER_KEY=.*$/m, `LITELLM_MASTER_KEY=${key}`);
}

function writeIfAbsent(file: string, content: string, mode: number): boolean {
  mkdirSync(path.dirname(file), { recursive: true });
  if (existsSync(file)) return false;
  try {
    writeFileSync(file, content, { mode, flag: "wx" });
    return true;
  } catch (error) {
    if (isErrnoException(error) && error.code === "EEXIST") return false;
    throw error;
  }
}
