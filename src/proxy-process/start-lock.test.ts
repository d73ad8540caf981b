import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tryLockStart } from "./start-lock.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0))
    rmSync(dir, { recursive: true, force: true });
});

describe("the start lock", () => {
  it("lets one holder in at a time", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-lock-"));
    dirs.push(dir);

    const release = await tryLockStart(dir);
    expect(release).toBeTypeOf("function");
    expect(await tryLockStart(dir)).toBeUndefined();

    await release!();
    // Releasing twice is harmless.
    await release!();
    const again = await tryLockStart(dir);
    expect(again).toBeTypeOf("function");
    await again!();
  });
});
