import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  detectPackaging,
  pickExtras,
  poetryLockPins,
  resolveDependencySetOrThrow,
} from "../../src/python-env/dependency-set.js";
import {
  callbackPackagesFor,
  extrasForWrapper,
} from "../../src/python-env/extras.js";
import { pythonMarker, specifier } from "../../src/python-env/poetry.js";
import { parsePyprojectOrThrow } from "../../src/python-env/pyproject.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0))
    rmSync(dir, { recursive: true, force: true });
});
function checkout(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-deps-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe("Poetry constraints as PEP 440 specifiers", () => {
  it.each([
    ["*", ""],
    ["^3.1.2", ">=3.1.2,<4.0.0"],
    ["^0.0.18", ">=0.0.18,<0.0.19"],
    ["^0.31.1", ">=0.31.1,<0.32.0"],
    ["^2", ">=2,<3"],
    ["~1.2.3", ">=1.2.3,<1.3.0"],
    ["~1.2", ">=1.2,<1.3"],
    ["0.11.0", "==0.11.0"],
    [">=0.120.1", ">=0.120.1"],
    [">=1.62.3,<1.68.0", ">=1.62.3,<1.68.0"],
    [">=1.2 <1.5", ">=1.2,<1.5"],
    ["~=2.2", "~=2.2"],
  ])("%s → %s", (constraint, expected) => {
    expect(specifier(constraint)).toBe(expected);
  });

  it.each([
    [">=3.9", 'python_version >= "3.9"'],
    [">=3.9,<3.14", 'python_version >= "3.9" and python_version < "3.14"'],
    ["^3.10", 'python_version >= "3.10" and python_version < "4.0"'],
    [
      ">=3.8.1,<4.0",
      'python_full_version >= "3.8.1" and python_version < "4.0"',
    ],
  ])("python %s → %s", (constraint, expected) => {
    expect(pythonMarker(constraint)).toBe(expected);
  });
});

const POETRY = `
[tool.poetry]
name = "litellm"
version = "1.80.10"

[tool.poetry.dependencies]
python = ">=3.9,<4.0"
jinja2 = "^3.1.2"
uvicorn = {version = "^0.31.1", optional = true}
uvloop = {version = "^0.21.0", optional = true, markers="sys_platform != 'win32'"}
mcp = {version = "^1.21.2", optional = true, python = ">=3.10"}
litellm-proxy-extras = {version = "0.4.14", optional = true}
prisma = {version = "0.11.0", optional = true}
grpcio = [
    {version = ">=1.62.3,<1.68.0", python = "<3.14"},
    {version = ">=1.75.0", python = ">=3.14"},
]

[tool.poetry.extras]
proxy = ["uvicorn", "uvloop", "mcp", "litellm-proxy-extras"]
extra_proxy = ["prisma"]
`;

const PEP621 = `
[project]
name = "litellm"
version = "1.110.2"
requires-python = ">=3.10, <3.16"
dependencies = ["click>=8.0.0,<9.0"]

[project.optional-dependencies]
proxy = [
  "litellm-proxy==1.110.2",
  "uvicorn>=0.33.0,<1.0",
  "litellm-proxy-extras==0.4.114.post1",
  "litellm-enterprise==0.1.83.post1",
]
extra_proxy = ["prisma>=0.11.0,<1.0"]

[tool.uv]
constraint-dependencies = ["aiohttp>=3.14.2,<4.0"]
override-dependencies = ["packaging>=24.0"]

[tool.uv.workspace]
members = ["enterprise", "litellm-proxy-extras", "packaging/litellm-proxy"]
`;

describe("pyproject.toml in both styles", () => {
  it("reads Poetry's tables as PEP 508 requirements", () => {
    const pyproject = parsePyprojectOrThrow(POETRY, "pyproject.toml");
    expect(pyproject).toMatchObject({
      style: "poetry",
      version: "1.80.10",
      requiresPython: ">=3.9,<4.0",
      dependencies: [
        "jinja2>=3.1.2,<4.0.0",
        'grpcio>=1.62.3,<1.68.0 ; python_version < "3.14"',
        'grpcio>=1.75.0 ; python_version >= "3.14"',
      ],
    });
    expect(pyproject.extras.get("proxy")).toEqual([
      "uvicorn>=0.31.1,<0.32.0",
      "uvloop>=0.21.0,<0.22.0 ; sys_platform != 'win32'",
      'mcp>=1.21.2,<2.0.0 ; python_version >= "3.10"',
      "litellm-proxy-extras==0.4.14",
    ]);
  });

  it("reads PEP 621 tables and uv's constraints", () => {
    const pyproject = parsePyprojectOrThrow(PEP621, "pyproject.toml");
    expect(pyproject).toMatchObject({
      style: "pep621",
      version: "1.110.2",
      requiresPython: ">=3.10, <3.16",
      constraints: ["aiohttp>=3.14.2,<4.0"],
      overrides: ["packaging>=24.0"],
    });
  });

  it("reports a TOML error with its position", () => {
    expect(() =>
      parsePyprojectOrThrow("[project\n", "/x/pyproject.toml"),
    ).toThrow(/not valid TOML/);
  });
});

describe("the dependency set per packaging era", () => {
  it("detects the packaging from the lock files present", () => {
    expect(detectPackaging(checkout({ "pyproject.toml": PEP621 }))).toBe(
      "declared",
    );
    expect(
      detectPackaging(
        checkout({ "poetry.lock": "", "pyproject.toml": POETRY }),
      ),
    ).toBe("poetry-lock");
    expect(
      detectPackaging(checkout({ "uv.lock": "", "poetry.lock": "" })),
    ).toBe("uv-lock");
  });

  it("leaves LiteLLM itself out and takes workspace members from the checkout", async () => {
    const dir = checkout({
      "pyproject.toml": PEP621,
      "enterprise/pyproject.toml":
        '[project]\nname = "litellm-enterprise"\nversion = "0.1.83.post1"\n',
    });
    const set = await resolveDependencySetOrThrow({
      checkoutPath: dir,
      pyproject: parsePyprojectOrThrow(PEP621, "pyproject.toml"),
      extras: ["proxy"],
      uv: undefined,
    });
    expect(set.packaging).toBe("declared");
    expect(set.requirements).toEqual([
      `-e ${path.join(dir, "enterprise")}`,
      "click>=8.0.0,<9.0",
      "uvicorn>=0.33.0,<1.0",
    ]);
    expect(set.optional).toEqual(["litellm-proxy-extras==0.4.114.post1"]);
    expect(set.notes).toEqual([
      "`litellm-proxy==1.110.2` left out: the proxy runs from the checkout",
    ]);
    expect(set.constraints).toEqual(["aiohttp>=3.14.2,<4.0"]);
  });

  it("holds a Poetry-era install to poetry.lock's versions", async () => {
    const lock = [
      '[[package]]\nname = "uvicorn"\nversion = "0.31.1"\n',
      '[[package]]\nname = "Jinja2"\nversion = "3.1.6"\n',
      '[[package]]\nname = "grpcio"\nversion = "1.67.1"\n',
      '[[package]]\nname = "grpcio"\nversion = "1.75.0"\n',
      '[[package]]\nname = "local"\nversion = "1.0"\n[package.source]\ntype = "directory"\nurl = "x"\n',
    ].join("\n");
    const dir = checkout({ "pyproject.toml": POETRY, "poetry.lock": lock });
    expect(poetryLockPins(dir)).toEqual(["jinja2==3.1.6", "uvicorn==0.31.1"]);
    const set = await resolveDependencySetOrThrow({
      checkoutPath: dir,
      pyproject: parsePyprojectOrThrow(POETRY, "pyproject.toml"),
      extras: ["proxy"],
      uv: undefined,
    });
    expect(set.packaging).toBe("poetry-lock");
    expect(set.constraints).toEqual(["jinja2==3.1.6", "uvicorn==0.31.1"]);
  });

  it("finds extras under either spelling and reports unknown ones", () => {
    const pyproject = parsePyprojectOrThrow(PEP621, "pyproject.toml");
    expect(pickExtras(pyproject, ["proxy", "extra-proxy", "caching"])).toEqual({
      extras: ["extra_proxy", "proxy"],
      notes: ["extra `caching` is not declared by this release"],
    });
  });
});

describe("extras and packages from the configs", () => {
  it("adds the database extra when a database is configured", () => {
    expect(extrasForWrapper({ database: undefined })).toEqual([]);
    expect(
      extrasForWrapper({ database: { managed: true, port: 5433 } }),
    ).toEqual(["extra_proxy"]);
  });

  it("names the packages callbacks need, and why", () => {
    expect(
      callbackPackagesFor([
        "langfuse",
        "prometheus",
        "custom_callbacks.handler",
      ]),
    ).toEqual({
      packages: ["langfuse", "prometheus-client"],
      reasons: [
        "callback `langfuse` needs langfuse",
        "callback `prometheus` needs prometheus-client",
      ],
    });
  });
});
