import { describe, expect, it } from "vitest";
import { UserError } from "../errors.js";
import { parseWrapperConfigOrThrow } from "./parse.js";

function errorOf(text: string): UserError {
  try {
    parseWrapperConfigOrThrow("/project/tdm-litellm.yaml", text);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("parseWrapperConfigOrThrow", () => {
  it("fills defaults and makes paths absolute", () => {
    const config = parseWrapperConfigOrThrow(
      "/project/tdm-litellm.yaml",
      "litellm:\n  path: ../litellm\n",
    );
    expect(config.checkoutPath).toBe("/litellm");
    expect(config.proxyConfigPath).toBe(
      "/project/config/proxy_server_config.yaml",
    );
    expect(config.data.proxy).toMatchObject({ host: "127.0.0.1", port: 4000 });
  });

  it("reports a wrong type at its line and column", () => {
    const error = errorOf("litellm:\n  path: x\nproxy:\n  port: four\n");
    expect(error.location).toEqual({
      file: "/project/tdm-litellm.yaml",
      line: 4,
      column: 9,
    });
    expect(error.details.join("\n")).toContain("proxy.port");
  });

  it("reports an unknown key with its place", () => {
    const error = errorOf("litellm:\n  path: x\n  reff: v1\n");
    expect(error.details.join("\n")).toMatch(
      /tdm-litellm\.yaml:\d+:\d+ litellm: unknown key reff/,
    );
  });

  it("reports YAML that does not parse at its position", () => {
    const error = errorOf("litellm:\n  path: [x\n");
    expect(error.message).toContain("not valid YAML");
    expect(error.location?.line).toBeGreaterThan(1);
  });
});
