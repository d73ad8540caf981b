import chalk from "chalk";
import { execa } from "execa";
import { existsSync } from "node:fs";
import path from "node:path";
import type { GlobalOptions } from "../cli.js";
import { ExitCode, ExitError, UserError } from "../errors.js";
import { tryReadHead } from "../litellm-checkout/index.js";
import { createLogger } from "../output/logger.js";
import { launcherPaths } from "../paths.js";
import { findInterpreterOrThrow } from "../python-env/interpreter.js";
import {
  loadWrapperConfigOrThrow,
  type WrapperConfig,
} from "../wrapper-config/load.js";

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** The command or edit that fixes it. */
  fix?: string;
  /** A missing optional part warns but does not fail. */
  optional?: boolean;
}

const MINIMUM_NODE_MAJOR = 20;

/** Every prerequisite, each failure with the command that fixes it. */
export async function runDoctor(options: GlobalOptions): Promise<void> {
  const logger = createLogger({ verbose: options.verbose === true });
  const checks: Check[] = [
    checkNode(),
    await checkCommand("git", ["--version"], "apt-get install git"),
    await checkPython(),
    await checkUv(),
    await checkPostgres(),
    ...(await checkProject(options)),
  ];

  for (const check of checks) {
    const mark = check.ok
      ? chalk.green("✓")
      : check.optional
        ? chalk.yellow("!")
        : chalk.red("✗");
    process.stdout.write(`${mark} ${check.name}: ${check.detail}\n`);
    if (!check.ok && check.fix) {
      process.stdout.write(`  ${chalk.cyan("fix:")} ${check.fix}\n`);
    }
  }
  const failed = checks.filter((check) => !check.ok && !check.optional);
  logger.info(
    failed.length === 0
      ? "everything tdm-litellm needs is here"
      : `${failed.length} problem${failed.length === 1 ? "" : "s"} to fix`,
  );
  if (failed.length > 0) throw new ExitError(ExitCode.failed);
}

function checkNode(): Check {
  const major = Number(process.versions.node.split(".")[0]);
  return {
    name: "Node.js",
    ok: major >= MINIMUM_NODE_MAJOR,
    detail: process.versions.node,
    fix: `install Node.js ${MINIMUM_NODE_MAJOR} or newer`,
  };
}

async function checkCommand(
  command: string,
  args: string[],
  fix: string,
  optional = false,
): Promise<Check> {
  try {
    const { stdout } = await execa(command, args);
    return {
      name: command,
      ok: true,
      detail: stdout.trim().split("\n")[0] ?? "",
    };
  } catch {
    return { name: command, ok: false, detail: "not found", fix, optional };
  }
}

async function checkUv(): Promise<Check> {
  const onPath = await checkCommand(
    "uv",
    ["--version"],
    "python3 -m pip install uv (or let `tdm-litellm sync` install its own copy)",
    true,
  );
  if (onPath.ok) return onPath;
  const ownCopy = path.join(launcherPaths().tools, "uv", "bin", "uv");
  return existsSync(ownCopy)
    ? { name: "uv", ok: true, detail: `${ownCopy} (the launcher's own copy)` }
    : onPath;
}

async function checkPython(): Promise<Check> {
  try {
    const interpreter = await findInterpreterOrThrow({});
    return {
      name: "Python",
      ok: true,
      detail: `${interpreter.version} (${interpreter.path})`,
    };
  } catch (error) {
    return {
      name: "Python",
      ok: false,
      detail:
        error instanceof UserError ? error.details.join("; ") : "not found",
      fix: "apt-get install python3 python3-venv",
    };
  }
}

async function checkPostgres(): Promise<Check> {
  const check = await checkCommand(
    "initdb",
    ["--version"],
    "apt-get install postgresql (needed only for a managed database)",
    true,
  );
  if (check.ok) return { ...check, name: "PostgreSQL" };
  const debianBinary = ["17", "16", "15", "14", "13"]
    .map((version) => `/usr/lib/postgresql/${version}/bin/initdb`)
    .find((file) => existsSync(file));
  return debianBinary
    ? { name: "PostgreSQL", ok: true, detail: debianBinary }
    : { ...check, name: "PostgreSQL" };
}

async function checkProject(options: GlobalOptions): Promise<Check[]> {
  let wrapper: WrapperConfig;
  try {
    wrapper = await loadWrapperConfigOrThrow({ explicitPath: options.config });
  } catch (error) {
    return [
      {
        name: "tdm-litellm.yaml",
        ok: false,
        detail: error instanceof Error ? error.message : String(error),
        fix: error instanceof UserError ? error.hint : undefined,
      },
    ];
  }
  const checks: Check[] = [
    { name: "tdm-litellm.yaml", ok: true, detail: wrapper.file },
    {
      name: "proxy config",
      ok: existsSync(wrapper.proxyConfigPath),
      detail: wrapper.proxyConfigPath,
      fix: "create it, or fix `proxy.config` in tdm-litellm.yaml",
    },
  ];
  const head = await tryReadHead(wrapper.checkoutPath);
  const pinned = wrapper.data.litellm.commit;
  checks.push({
    name: "LiteLLM checkout",
    ok: head !== undefined && (pinned === undefined || head === pinned),
    detail: head
      ? `${wrapper.checkoutPath} at ${head.slice(0, 12)}${pinned && head !== pinned ? `, pinned ${pinned.slice(0, 12)}` : ""}`
      : `${wrapper.checkoutPath} is not a checkout`,
    fix: `tdm-litellm checkout ${wrapper.data.litellm.ref ?? "<tag>"}`,
  });
  return checks;
}
