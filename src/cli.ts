import { Command, InvalidArgumentError, Option } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { ExitCode, ExitError, UserError } from "./errors.js";
import { renderError } from "./output/render-error.js";

/**
 * Assembles the commands and is the one place that turns an error into an
 * exit code. Command modules are imported only when their command runs, so
 * `--help` and `--version` stay fast.
 */
export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65_535) {
    throw new InvalidArgumentError("a port is a whole number from 1 to 65535");
  }
  return port;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value)) {
    throw new InvalidArgumentError("a whole number");
  }
  return count;
}

export function buildProgram(): Command {
  const program = new Command("tdm-litellm")
    .description(
      "Run a LiteLLM proxy from a pinned git checkout, with no resident overhead.",
    )
    .version(packageJson.version)
    .option("-c, --config <file>", "the tdm-litellm.yaml to use")
    .option("--verbose", "show stack traces and debug lines")
    .showHelpAfterError("(add --help for usage)")
    // Commands added after this inherit it: usage errors come back to
    // main() as exceptions instead of exiting inside commander.
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  const globals = () => program.opts<GlobalOptions>();

  program
    .command("init")
    .description(
      "write tdm-litellm.yaml, an example proxy config and .env files; never overwrites",
    )
    .option("--dir <dir>", "where to write", ".")
    .action(async (options: { dir: string }) => {
      const { runInit } = await import("./commands/init.js");
      await runInit({ ...globals(), ...options });
    });

  program
    .command("checkout")
    .description(
      "clone LiteLLM if absent, check out a tag, branch or commit and record the pin",
    )
    .argument("[ref]", "tag, branch or commit; the recorded pin when omitted")
    .option("--force", "stash local work that is in the way (never discards)")
    .action(async (ref: string | undefined, options: { force?: boolean }) => {
      const { runCheckout } = await import("./commands/checkout.js");
      await runCheckout({ ...globals(), ...options, ref });
    });

  program
    .command("sync")
    .description(
      "build or refresh the Python environment for the checked-out commit",
    )
    .option("--python <path>", "the Python interpreter to build it with")
    .option("--prune", "remove environments that no pin uses")
    .action(async (options: { python?: string; prune?: boolean }) => {
      const { runSync } = await import("./commands/sync.js");
      await runSync({ ...globals(), ...options });
    });

  program
    .command("check-config")
    .description("validate a LiteLLM proxy config the way LiteLLM reads it")
    .argument(
      "[file]",
      "the proxy config; the one in tdm-litellm.yaml when omitted",
    )
    .option("--json", "print the report as JSON")
    .option("--strict", "fail on warnings too")
    .option(
      "--env <file>",
      "read variables from this env file too, over the project's",
    )
    .action(
      async (
        file: string | undefined,
        options: { json?: boolean; strict?: boolean; env?: string },
      ) => {
        const { runCheckConfig } = await import("./commands/check-config.js");
        await runCheckConfig({ ...globals(), ...options, file });
      },
    );

  program
    .command("up")
    .description(
      "check the pin, sync, check the config and start the proxy until it is healthy",
    )
    .option("-d, --detach", "start in the background and return")
    .option("--host <host>", "address to bind (loopback by default)")
    .option("--port <port>", "port to bind", parsePort)
    .option(
      "--python <path>",
      "the Python interpreter to build the environment with",
    )
    .option(
      "--allow-non-loopback",
      "permit binding to an address other than loopback",
    )
    .action(async (options: UpCliOptions) => {
      const { runUp } = await import("./commands/up.js");
      await runUp({ ...globals(), ...options });
    });

  program
    .command("down")
    .description("stop the proxy started by up")
    .action(async () => {
      const { runDown } = await import("./commands/down.js");
      await runDown(globals());
    });

  program
    .command("restart")
    .description(
      "down, then up with the same options; host, port and detach default to those of the proxy that ran",
    )
    .option("-d, --detach", "start in the background and return")
    .option("--host <host>", "address to bind (loopback by default)")
    .option("--port <port>", "port to bind", parsePort)
    .option("--allow-non-loopback", "permit binding to a non-loopback address")
    .option(
      "--python <path>",
      "the Python interpreter to build the environment with",
    )
    .action(async (options: UpCliOptions) => {
      const { runRestart } = await import("./commands/up.js");
      await runRestart({ ...globals(), ...options });
    });

  program
    .command("status")
    .description("show the pin, the environment and the proxy's state")
    .option("--json", "print the status as JSON")
    .action(async (options: { json?: boolean }) => {
      const { runStatus } = await import("./commands/status.js");
      await runStatus({ ...globals(), ...options });
    });

  program
    .command("logs")
    .description("show the proxy's log")
    .option("-f, --follow", "keep printing new lines")
    .addOption(
      new Option("-n, --lines <count>", "how many of the last lines")
        .argParser(parseCount)
        .default(50),
    )
    .action(async (options: { follow?: boolean; lines: number }) => {
      const { runLogs } = await import("./commands/logs.js");
      await runLogs({ ...globals(), ...options });
    });

  program
    .command("doctor")
    .description("check every prerequisite and say how to fix what is missing")
    .action(async () => {
      const { runDoctor } = await import("./commands/doctor.js");
      await runDoctor(globals());
    });

  return program;
}

export interface UpCliOptions {
  detach?: boolean;
  host?: string;
  port?: number;
  python?: string;
  allowNonLoopback?: boolean;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (error) {
    return exitCodeFor(error, program.opts<GlobalOptions>().verbose === true);
  }
}

function exitCodeFor(error: unknown, verbose: boolean): number {
  if (error instanceof ExitError) return error.exitCode;
  if (isCommanderExit(error)) {
    // Help and version end with code 0; usage errors were already printed.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  process.stderr.write(renderError(error, { verbose }));
  return error instanceof UserError ? error.exitCode : ExitCode.failed;
}

function isCommanderExit(
  error: unknown,
): error is { exitCode: number; code: string } {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof error.code === "string" &&
    error.code.startsWith("commander.")
  );
}

// A reader that stops early (`check-config | head`) closes the pipe: stop
// quietly with the status of a program ended by SIGPIPE, as other
// command-line tools do, so a pipeline under `pipefail` still sees it.
const SIGPIPE_STATUS = 128 + 13;
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(SIGPIPE_STATUS);
});

process.exitCode = await main(process.argv);
