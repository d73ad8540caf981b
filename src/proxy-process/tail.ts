import { closeSync, openSync, readSync, statSync } from "node:fs";

const TAIL_WINDOW_BYTES = 64 * 1024;

/** The last lines of a file, reading only its end. */
export function tailLines(file: string, count: number): string[] {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return [];
  }
  try {
    const size = statSync(file).size;
    const length = Math.min(size, TAIL_WINDOW_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString("utf8").split(/\r?\n/);
    if (lines.at(-1) === "") lines.pop();
    return lines.slice(-count);
  } finally {
    closeSync(fd);
  }
}
