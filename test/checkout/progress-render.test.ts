import { describe, expect, it } from "vitest";
import { createProgressRenderer } from "../../src/commands/checkout.js";

function makeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = {
    isTTY,
    write: (text: string) => writes.push(text) > 0,
  } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe("createProgressRenderer", () => {
  it("redraws one line in place on a terminal", () => {
    const { stream, writes } = makeStream(true);
    const render = createProgressRenderer(stream, "checking out v1");

    render({ stage: "Receiving objects", percent: 10 });
    render({ stage: "Receiving objects", percent: 55 });

    expect(writes).toEqual([
      "\r\x1b[2K… checking out v1: receiving objects 10%",
      "\r\x1b[2K… checking out v1: receiving objects 55%",
    ]);
  });

  it("prints one plain line per stage elsewhere", () => {
    const { stream, writes } = makeStream(false);
    const render = createProgressRenderer(stream, "checking out v1");

    render({ stage: "Receiving objects", percent: 10 });
    render({ stage: "Receiving objects", percent: 55 });
    render({ stage: "Resolving deltas", percent: 100 });

    expect(writes).toEqual([
      "  git: receiving objects\n",
      "  git: resolving deltas\n",
    ]);
  });
});
