import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { isProcessAlive, listProcessGroup } from "./process-info.js";
import { stopProcessGroup } from "./start.js";

const leaders: number[] = [];
afterEach(() => {
  for (const pid of leaders.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Gone.
    }
  }
});

/** A group leader with a child; `stubborn` makes both ignore SIGTERM. */
async function startGroup(stubborn: boolean): Promise<number> {
  const trap = stubborn ? "trap '' TERM; " : "";
  const child = spawn(
    "sh",
    ["-c", `${trap}sh -c '${trap}sleep 60' & echo ready; wait`],
    { detached: true, stdio: ["ignore", "pipe", "ignore"] },
  );
  child.unref();
  leaders.push(child.pid!);
  await new Promise((resolve) => child.stdout.once("data", resolve));
  expect(listProcessGroup(child.pid!).length).toBeGreaterThanOrEqual(2);
  return child.pid!;
}

describe("stopProcessGroup", () => {
  it("ends the whole group with SIGTERM", async () => {
    const pid = await startGroup(false);
    expect(await stopProcessGroup(pid, 5_000)).toBe("terminated");
    expect(isProcessAlive(pid)).toBe(false);
    expect(listProcessGroup(pid)).toEqual([]);
  });

  it("kills what ignores SIGTERM after the grace period", async () => {
    const pid = await startGroup(true);
    const started = performance.now();
    expect(await stopProcessGroup(pid, 500)).toBe("killed");
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);
    expect(listProcessGroup(pid)).toEqual([]);
  });
});
