import { timeCommand } from "./lib/measure.mjs";
import { figure } from "./lib/stats.mjs";

/** Goal from issue 7: a bare command of the CLI in under 150 ms. */
const STARTUP_GOAL_MS = 150;

/**
 * CLI start-up, the whole process as a user runs it: the sh entry script,
 * node, the CLI, exit. The floor is `node -e 0`, measured in the same
 * rounds, interleaved, so machine load hits both alike.
 */
export async function cliStartup(ctx) {
  const runs = ctx.runsFor(15, 5);
  const commands = {
    floor: [process.execPath, "-e", "0"],
    version: [ctx.bin, "--version"],
    help: [ctx.bin, "--help"],
  };
  const samples = { floor: [], version: [], help: [] };
  const once = async (key) => {
    const result = await timeCommand(commands[key], { env: ctx.env });
    if (result.exitCode !== 0) {
      throw new Error(`${commands[key].join(" ")} exited ${result.exitCode}`);
    }
    return result.ms;
  };

  // One unmeasured round fills the page cache.
  for (const key of Object.keys(commands)) await once(key);
  for (let round = 0; round < runs; round += 1) {
    for (const key of Object.keys(commands)) samples[key].push(await once(key));
  }

  const floor = { name: "node -e 0", samples: samples.floor };
  const goal = { field: "median", max: STARTUP_GOAL_MS };
  return [
    figure({
      name: "tdm-litellm --version",
      unit: "ms",
      samples: samples.version,
      comparison: floor,
      goal,
    }),
    figure({
      name: "tdm-litellm --help",
      unit: "ms",
      samples: samples.help,
      comparison: floor,
      goal,
    }),
  ];
}
