import {
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../errors.js";
import { loadWrapperConfigOrThrow } from "./load.js";

describe("the wrapper config's memo", () => {
  let dir: string;
  let file: string;
  const savedCache = process.env.XDG_CACHE_HOME;
  const memos = () => path.join(dir, "cache", "tdm-litellm", "wrapper-configs");

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-memo-"));
    file = path.join(dir, "tdm-litellm.yaml");
    process.env.XDG_CACHE_HOME = path.join(dir, "cache");
  });
  afterEach(() => {
    process.env.XDG_CACHE_HOME = savedCache;
    rmSync(dir, { recursive: true, force: true });
  });

  const load = async () =>
    (await loadWrapperConfigOrThrow({ explicitPath: file })).data.proxy.port;

  it("is kept only for a file that has not just changed", async () => {
    writeFileSync(file, "litellm: {}\nproxy:\n  port: 4001\n");
    expect(await load()).toBe(4001);
    expect(existsSync(memos())).toBe(false);

    await sleep(250);
    expect(await load()).toBe(4001);
    expect(readdirSync(memos())).toHaveLength(1);
  });

  it("never answers for a file edited since, even to the same size", async () => {
    writeFileSync(file, "litellm: {}\nproxy:\n  port: 4001\n");
    await sleep(250);
    expect(await load()).toBe(4001);
    expect(readdirSync(memos())).toHaveLength(1);

    writeFileSync(file, "litellm: {}\nproxy:\n  port: 4002\n");
    expect(await load()).toBe(4002);

    writeFileSync(file, "litellm: {}\nproxy:\n  port: 99999\n");
    await expect(load()).rejects.toThrow(UserError);
  });
});
