import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { clearInterval, setInterval, setTimeout } from "node:timers";
import { performance } from "node:perf_hooks";

/** GNU time, for the peak RSS of a whole process tree. */
const GNU_TIME = "/usr/bin/time";

export function hasGnuTime() {
  if (!existsSync(GNU_TIME)) return false;
  const probe = spawnSync(GNU_TIME, ["-f", "%M", "true"], { stdio: "pipe" });
  return probe.status === 0;
}

/**
 * How peak memory is measured in this run: GNU time's maximum resident set
 * size (the kernel's ru_maxrss from wait4, which covers the child and every
 * descendant it waited for, so the sh entry script and its node), or, when
 * GNU time is not installed, VmHWM of the child read from /proc while it runs.
 */
export const PEAK_RSS_METHOD = hasGnuTime()
  ? "/usr/bin/time -f %M (ru_maxrss of the whole process tree)"
  : "VmHWM polled from /proc/<pid>/status every 5 ms (the direct child only)";

/**
 * Runs a command to completion and returns its wall time in milliseconds,
 * measured from just before spawn to the exit event, and its peak RSS in
 * kB when asked. Output is discarded unless `capture` is set.
 */
export async function timeCommand(argv, options = {}) {
  const { cwd, env, peakRss = false, capture = false } = options;
  const scratch = peakRss && hasGnuTimeCached() ? tempDir() : undefined;
  const rssFile = scratch ? path.join(scratch, "rss") : undefined;
  const command = rssFile
    ? [GNU_TIME, "-f", "%M", "-o", rssFile, ...argv]
    : argv;

  const started = performance.now();
  const child = spawn(command[0], command.slice(1), {
    cwd,
    env,
    stdio: ["ignore", capture ? "pipe" : "ignore", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const poller = peakRss && !rssFile ? pollHighWater(child.pid) : undefined;
  const exitCode = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
  const ms = performance.now() - started;

  let maxRssKb;
  if (rssFile) {
    maxRssKb = Number(readFileSync(rssFile, "utf8").trim().split("\n").pop());
    rmSync(scratch, { recursive: true, force: true });
  } else if (poller) {
    maxRssKb = poller.stop();
  }
  return { ms, maxRssKb, exitCode, stdout, stderr };
}

let gnuTime;
function hasGnuTimeCached() {
  gnuTime ??= hasGnuTime();
  return gnuTime;
}

function tempDir() {
  return mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-bench-"));
}

/** Samples VmHWM of a process until stopped; returns the last value in kB. */
function pollHighWater(pid) {
  let highest = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
      if (match) highest = Math.max(highest, Number(match[1]));
    } catch {
      // The process has exited.
    }
  };
  const timer = setInterval(sample, 5);
  sample();
  return {
    stop() {
      clearInterval(timer);
      return highest || undefined;
    },
  };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The executable a process runs now, or undefined once it is gone. */
export function tryReadExe(pid) {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}
