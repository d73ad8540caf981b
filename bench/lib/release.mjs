/**
 * The LiteLLM origin the end-to-end tests use, from the same code and into
 * the same cache (test/support/litellm-release.ts, compiled by
 * `npm run build` into dist-support/), so the bench and the tests share it.
 */
export {
  litellmOrigin,
  unpackedRelease,
} from "../../dist-support/litellm-release.js";

export const RELEASE = { version: "1.80.10", tag: "v1.80.10" };
