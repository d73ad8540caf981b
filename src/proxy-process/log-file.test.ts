import {
  appendFileSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { followLog, listLogFiles, readLastLines } from "./log-file.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0))
    rmSync(dir, { recursive: true, force: true });
});

function temporaryLog(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-log-"));
  dirs.push(dir);
  return path.join(dir, "proxy.log");
}

describe("readLastLines", () => {
  it("reaches into rotated copies, oldest last", () => {
    const log = temporaryLog();
    writeFileSync(`${log}.2`, "one\ntwo\n");
    writeFileSync(`${log}.1`, "three\nfour\n");
    writeFileSync(log, "five\n");
    expect(listLogFiles(log)).toEqual([`${log}.2`, `${log}.1`, log]);
    expect(readLastLines(log, 2)).toEqual(["four", "five"]);
    expect(readLastLines(log, 4)).toEqual(["two", "three", "four", "five"]);
    expect(readLastLines(log, 50)).toEqual([
      "one",
      "two",
      "three",
      "four",
      "five",
    ]);
    expect(readLastLines(log, 0)).toEqual([]);
  });

  it("joins a line that a rotation cut in two", () => {
    const log = temporaryLog();
    writeFileSync(`${log}.1`, "first\nsecond ha");
    writeFileSync(log, "lf\nthird\n");
    expect(readLastLines(log, 3)).toEqual(["first", "second half", "third"]);
  });

  it("reads only the end of a long file and drops its partial first line", () => {
    const log = temporaryLog();
    const lines = Array.from(
      { length: 5_000 },
      (_, i) => `line ${i} ${"x".repeat(30)}`,
    );
    writeFileSync(log, lines.join("\n") + "\n");
    const last = readLastLines(log, 10_000);
    expect(last.length).toBeLessThan(5_000);
    expect(last.at(-1)).toBe(lines.at(-1));
    expect(lines.slice(-last.length)).toEqual(last);
  });

  it("is empty when there is no log", () => {
    expect(readLastLines(temporaryLog(), 10)).toEqual([]);
  });
});

describe("followLog", () => {
  it("follows appends, a rotation and a truncation until aborted", async () => {
    const log = temporaryLog();
    writeFileSync(log, "old line, not shown\n");
    const controller = new AbortController();
    let seen = "";
    const following = followLog(
      log,
      (chunk) => (seen += chunk.toString()),
      controller.signal,
    );
    const until = async (text: string) => {
      for (let i = 0; i < 100 && !seen.includes(text); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen).toContain(text);
    };

    appendFileSync(log, "a\n");
    await until("a\n");
    // The proxy rotates: the last write to the old file races the rename.
    appendFileSync(log, "b\n");
    renameSync(log, `${log}.1`);
    appendFileSync(`${log}.1`, "c\n");
    writeFileSync(log, "d\n");
    await until("d\n");
    appendFileSync(log, "more\n");
    await until("more\n");
    // Rotation without copies truncates in place; what follows is shorter.
    writeFileSync(log, "fresh\n");
    await until("fresh\n");

    controller.abort();
    await following;
    expect(seen).toBe("a\nb\nc\nd\nmore\nfresh\n");
  });

  it("waits for a log that does not exist yet", async () => {
    const log = temporaryLog();
    const controller = new AbortController();
    let seen = "";
    const following = followLog(
      log,
      (chunk) => (seen += chunk.toString()),
      controller.signal,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    writeFileSync(log, "first start\n");
    for (let i = 0; i < 40 && !seen; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    controller.abort();
    await following;
    expect(seen).toBe("first start\n");
  });
});
