import { execFileSync } from "node:child_process";
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  logLimitsFrom,
  LOG_BACKUPS,
  LOG_MAX_BYTES,
  ROTATING_LOG_PRELUDE,
  withRotatingLog,
} from "./log-rotation.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0))
    rmSync(dir, { recursive: true, force: true });
});

function temporary(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-rotation-"));
  dirs.push(dir);
  return dir;
}

/** Runs a Python program behind the prelude, as the detached proxy does. */
function runBehindPrelude(program: string, log: string, maxBytes: number) {
  const plan = withRotatingLog(
    {
      argv: ["python3", "-c", program],
      env: { PATH: process.env.PATH ?? "", PYTHONUNBUFFERED: "1" },
      cwd: path.dirname(log),
    },
    log,
    { maxBytes, backups: 2 },
  )!;
  return execFileSync(plan.argv[0], plan.argv.slice(1), {
    env: plan.env,
    cwd: plan.cwd,
    encoding: "utf8",
  });
}

describe("the rotating log inside the proxy process", () => {
  it("rotates by size, keeps lines whole, and drops the oldest", () => {
    const dir = temporary();
    const log = path.join(dir, "proxy.log");
    const printed = runBehindPrelude(
      [
        "import sys",
        "for i in range(2000):",
        "    print('line %05d ' % i + 'x' * 40)",
        "sys.stderr.write('last words\\n')",
      ].join("\n"),
      log,
      20_000,
    );

    // Nothing reaches the original stdout: it all goes to the log.
    expect(printed).toBe("");
    expect(readdirSync(dir).sort()).toEqual([
      "proxy.log",
      "proxy.log.1",
      "proxy.log.2",
    ]);
    const files = [`${log}.2`, `${log}.1`, log];
    for (const file of files) {
      expect(statSync(file).size).toBeLessThanOrEqual(20_000);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, "utf8")).toMatch(/\n$/);
    }
    const lines = files.flatMap((file) =>
      readFileSync(file, "utf8").trimEnd().split("\n"),
    );
    expect(lines.at(-1)).toBe("last words");
    const numbers = lines.slice(0, -1).map((line) => {
      expect(line).toMatch(/^line \d{5} x{40}$/);
      return Number(line.slice(5, 10));
    });
    // Consecutive up to the last line: only the oldest lines were dropped.
    expect(numbers.at(-1)).toBe(1999);
    expect(numbers).toEqual(
      numbers.map((_, index) => 2000 - numbers.length + index),
    );
    expect(numbers.length).toBeLessThan(2000);
  });

  it("takes its settings out of the environment and logs children too", () => {
    const log = path.join(temporary(), "proxy.log");
    runBehindPrelude(
      [
        "import os, subprocess",
        "print(sorted(k for k in os.environ if k.startswith('TDM_LITELLM')))",
        "subprocess.run(['sh', '-c', 'echo from a child; echo child error >&2'])",
      ].join("\n"),
      log,
      1_000_000,
    );
    expect(readFileSync(log, "utf8")).toBe("[]\nfrom a child\nchild error\n");
  });

  it("keeps what an unhandled exception prints at exit", () => {
    const log = path.join(temporary(), "proxy.log");
    expect(() =>
      runBehindPrelude("raise SystemExit('fatal: config missing')", log, 1_000),
    ).toThrow();
    expect(readFileSync(log, "utf8")).toContain("fatal: config missing");
  });

  it("drains the log before a SIGTERM ends the process", () => {
    const log = path.join(temporary(), "proxy.log");
    const program = [
      "import signal, sys",
      "for i in range(5000):",
      "    print('line %05d' % i)",
      // What uvicorn does after a graceful shutdown on SIGTERM.
      "signal.raise_signal(signal.SIGTERM)",
      "print('not reached')",
    ].join("\n");
    expect(() => runBehindPrelude(program, log, 10_000_000)).toThrow(
      expect.objectContaining({ signal: "SIGTERM" }) as Error,
    );
    const lines = readFileSync(log, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(5000);
    expect(lines.at(-1)).toBe("line 04999");
  });

  it("only wraps inline Python code", () => {
    const plan = {
      argv: ["python", "-m", "litellm"] as [string, ...string[]],
      env: {},
      cwd: "/",
    };
    expect(withRotatingLog(plan, "/log", { maxBytes: 1, backups: 1 })).toBe(
      undefined,
    );
    const wrapped = withRotatingLog(
      { ...plan, argv: ["python", "-c", "run()", "--port", "4000"] },
      "/log",
      { maxBytes: 10, backups: 3 },
    )!;
    expect(wrapped.argv).toEqual([
      "python",
      "-c",
      `${ROTATING_LOG_PRELUDE}\nrun()`,
      "--port",
      "4000",
    ]);
    expect(wrapped.env).toEqual({
      TDM_LITELLM_LOG_FILE: "/log",
      TDM_LITELLM_LOG_MAX_BYTES: "10",
      TDM_LITELLM_LOG_BACKUPS: "3",
    });
  });

  it.each([
    [{}, { maxBytes: LOG_MAX_BYTES, backups: LOG_BACKUPS }],
    [
      { TDM_LITELLM_LOG_MAX_BYTES: "4096", TDM_LITELLM_LOG_BACKUPS: "0" },
      { maxBytes: 4096, backups: 0 },
    ],
    [
      { TDM_LITELLM_LOG_MAX_BYTES: "-1", TDM_LITELLM_LOG_BACKUPS: "two" },
      { maxBytes: LOG_MAX_BYTES, backups: LOG_BACKUPS },
    ],
  ])("reads the limits from %j", (env, expected) => {
    expect(logLimitsFrom(env)).toEqual(expected);
  });
});
