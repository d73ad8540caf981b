import { readdirSync, readFileSync } from "node:fs";

/**
 * A process's start time in clock ticks since boot (field 22 of
 * /proc/PID/stat). Together with the PID it names one process: a PID that
 * was reused by another program has another start time.
 */
export function tryReadStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses; the
    // fields after it start behind its last ")".
    const afterName = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const value = Number(afterName[19]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** True when the process runs, or exists as a zombie we may not reap. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/** Resident memory in bytes (VmRSS), when /proc shows it. */
export function tryReadResidentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kib ? Number(kib) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Every process whose process group is the given one. */
export function listProcessGroup(pgid: number): number[] {
  const members: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return members;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "Z" && Number(fields[2]) === pgid) {
        members.push(Number(entry));
      }
    } catch {
      continue;
    }
  }
  return members;
}

/** The process group of a process (field 5 of /proc/PID/stat). */
export function tryReadProcessGroup(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const value = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The process and every process below it, from the parent links in /proc. */
export function listProcessTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [pid];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = tryReadParent(Number(entry));
    if (parent === undefined) continue;
    const siblings = children.get(parent) ?? [];
    siblings.push(Number(entry));
    children.set(parent, siblings);
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** The parent's PID (field 4 of /proc/PID/stat). */
export function tryReadParent(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const value = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Resident memory of a process and everything below it, in bytes. */
export function tryReadTreeResidentBytes(pid: number): number | undefined {
  const sizes = listProcessTree(pid).map(tryReadResidentBytes);
  if (sizes[0] === undefined) return undefined;
  return sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0);
}
