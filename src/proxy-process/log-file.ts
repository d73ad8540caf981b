import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readSync,
  statSync,
} from "node:fs";
import path from "node:path";
import { projectStateDir } from "../paths.js";
import { LOG_BACKUPS } from "./log-rotation.js";

const TAIL_WINDOW_BYTES = 64 * 1024;
const FOLLOW_POLL_MS = 250;
const READ_CHUNK_BYTES = 64 * 1024;

/** The detached proxy's log; rotated copies sit beside it as `.1`, `.2`. */
export function proxyLogPath(projectDir: string): string {
  return path.join(projectStateDir(projectDir), "proxy.log");
}

/**
 * The log and its rotated copies that exist, oldest first. Looks further
 * than the default number of copies, in case it was raised for a start.
 */
export function listLogFiles(logPath: string): string[] {
  const rotated: string[] = [];
  for (let index = 1; index <= LOG_BACKUPS + 16; index++) {
    const file = `${logPath}.${index}`;
    if (!existsSync(file)) break;
    rotated.unshift(file);
  }
  return existsSync(logPath) ? [...rotated, logPath] : rotated;
}

/**
 * The last lines of the log, reaching into rotated copies when the current
 * file holds fewer. Reads only the end of each file.
 */
export function readLastLines(logPath: string, count: number): string[] {
  if (count === 0) return [];
  let text = "";
  let cutAtStart = false;
  for (const file of listLogFiles(logPath).reverse()) {
    const tail = readTail(file);
    // Rotation may split a line between two files: join, then split.
    text = tail.text + text;
    cutAtStart = !tail.complete;
    if (cutAtStart || countLineBreaks(text) > count) break;
  }
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  // The first line of a window that starts mid-file may be partial.
  if (cutAtStart && lines.length > 0) lines.shift();
  return lines.slice(-count);
}

function countLineBreaks(text: string): number {
  let breaks = 0;
  for (let index = text.indexOf("\n"); index !== -1;) {
    breaks += 1;
    index = text.indexOf("\n", index + 1);
  }
  return breaks;
}

function readTail(file: string): { text: string; complete: boolean } {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return { text: "", complete: true };
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_WINDOW_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return { text: buffer.toString("utf8"), complete: length === size };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes what is appended to the log until the signal aborts, following
 * it across rotation: when the name points to a new file, the rest of the
 * old one is read through the descriptor still open, then the new file
 * from its start. A log that does not exist yet is waited for.
 */
export async function followLog(
  logPath: string,
  write: (chunk: Buffer) => void,
  signal: AbortSignal,
): Promise<void> {
  let fd: number | undefined;
  let position = 0;
  const buffer = Buffer.alloc(READ_CHUNK_BYTES);

  const drain = (descriptor: number) => {
    for (;;) {
      const read = readSync(descriptor, buffer, 0, buffer.length, position);
      if (read === 0) return;
      position += read;
      write(buffer.subarray(0, read));
    }
  };

  const openFromEnd = () => {
    try {
      fd = openSync(logPath, "r");
      position = fstatSync(fd).size;
    } catch {
      fd = undefined;
    }
  };

  openFromEnd();
  try {
    while (!signal.aborted) {
      if (fd === undefined) {
        if (existsSync(logPath)) {
          fd = openSync(logPath, "r");
          position = 0;
        }
      } else {
        drain(fd);
        const current = tryInode(logPath);
        const followed = fstatSync(fd).ino;
        if (current !== undefined && current !== followed) {
          drain(fd);
          closeSync(fd);
          // Several rotations may have passed since the last look: the
          // copies newer than the file followed so far come first.
          for (const copy of copiesNewerThan(logPath, followed)) {
            fd = openSync(copy, "r");
            position = 0;
            drain(fd);
            closeSync(fd);
          }
          fd = openSync(logPath, "r");
          position = 0;
          drain(fd);
        } else if (fstatSync(fd).size < position) {
          // Truncated in place (rotation without copies): start over.
          position = 0;
        }
      }
      await sleep(FOLLOW_POLL_MS, signal);
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The rotated copies written after the file with the given inode, oldest
 * first. When that file is gone already, every copy is newer.
 */
function copiesNewerThan(logPath: string, inode: number): string[] {
  const copies = listLogFiles(logPath).filter((file) => file !== logPath);
  const index = copies.findIndex((file) => tryInode(file) === inode);
  return index === -1 ? copies : copies.slice(index + 1);
}

function tryInode(file: string): number | undefined {
  try {
    return statSync(file).ino;
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
