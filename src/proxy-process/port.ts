import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import net from "node:net";
import { PROXY_MARKER } from "./launch.js";

export interface PortHolder {
  pid: number;
  command: string;
  /** Set when the holder is a proxy started by tdm-litellm. */
  ourProxy?: {
    /** Its project's directory, when the system shows its working directory. */
    projectDir: string | undefined;
  };
}

/** Code every proxy started by a tdm-litellm release runs. */
const BOOTSTRAP_SIGNATURE = "from litellm.proxy.proxy_cli import run_server";

/** True when nothing listens on the port at that address. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/**
 * The process listening on a TCP port, when the system lets us see it:
 * the socket's inode from /proc/net/tcp{,6}, then the process holding a
 * descriptor to it. Undefined elsewhere, or when it belongs to another user.
 */
export function tryFindPortHolder(port: number): PortHolder | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let descriptors: string[];
    try {
      descriptors = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of descriptors) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return describeHolder(Number(pid), port);
    }
  }
  return undefined;
}

const TCP_LISTEN = "0A";

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== TCP_LISTEN) continue;
      if (local.split(":")[1] === hexPort && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** A process's command line with its arguments joined by spaces. */
export function tryReadCommandLine(pid: number): string | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return raw.replace(/\0+$/, "").split("\0").join(" ") || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Names the holder; a proxy of ours is recognised by the launcher's marker
 * or bootstrap on its command line together with `--port N`, and its
 * project by its working directory, which the launcher sets to it.
 */
function describeHolder(pid: number, port: number): PortHolder {
  const argv = tryReadArgv(pid) ?? [];
  const command = summarise(argv) || "?";
  const portIndex = argv.indexOf("--port");
  const isOurs =
    argv.some(
      (arg) => arg.includes(PROXY_MARKER) || arg.includes(BOOTSTRAP_SIGNATURE),
    ) &&
    portIndex !== -1 &&
    argv[portIndex + 1] === String(port);
  if (!isOurs) return { pid, command };
  let projectDir: string | undefined;
  try {
    projectDir = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    projectDir = undefined;
  }
  return { pid, command, ourProxy: { projectDir } };
}

function tryReadArgv(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return raw.replace(/\0+$/, "").split("\0");
  } catch {
    return undefined;
  }
}

const SHOWN_ARGUMENT_CHARS = 60;

/**
 * A command line short enough for one message line: inline code (`-c` and
 * its program) is long and says little, so it is shortened.
 */
export function summarise(argv: string[]): string {
  return argv
    .map((arg) =>
      arg.length > SHOWN_ARGUMENT_CHARS || arg.includes("\n")
        ? `${arg.split("\n")[0]!.slice(0, 24)}…`
        : arg,
    )
    .join(" ");
}
