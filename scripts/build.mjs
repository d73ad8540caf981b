#!/usr/bin/env node
// Bundles the CLI into dist/ with esbuild. Type checking is tsc's job
// (`npm run typecheck`, run first by `npm run build`); this step only
// emits. One bundle per entry point, with the code each command needs in
// its own chunk, so a command loads only its own modules and no file is
// resolved in node_modules at run time.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const outdir = path.join(root, "dist");

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: [
    "src/cli.ts",
    // Started as a program of its own beside a foreground proxy.
    "src/proxy-process/start-watcher.ts",
    // Imported by the bench to time a tag switch without the CLI around it.
    "src/litellm-checkout/index.ts",
  ],
  outbase: "src",
  outdir,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  // Bundled CommonJS packages call require() for node's own modules.
  banner: {
    js: 'import { createRequire as __tdmCreateRequire } from "node:module"; const require = __tdmCreateRequire(import.meta.url);',
  },
});
