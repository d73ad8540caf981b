import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import net from "node:net";

export interface PortHolder {
  pid: number;
  command: string;
}

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
      if (inode && inodes.has(inode)) {
        return {
          pid: Number(pid),
          command: tryReadCommandLine(Number(pid)) ?? "?",
        };
      }
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
