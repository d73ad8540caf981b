import { describe, expect, it } from "vitest";
import { knownSecretsRedactor, redactKnownSecrets } from "./mask.js";

describe("redactKnownSecrets", () => {
  it.each([
    ["key sk-abcdef0123 here", ["sk-abcdef0123"], "key sk-…(13 chars) here"],
    ["hunter22 and hunter22", ["hunter22"], "…(8 chars) and …(8 chars)"],
    ["x: abcdefgh", ["abcd", "abcdefgh"], "x: …(8 chars)"],
    ["pw=abcd;", ["abcd"], "pw=…(4 chars);"],
    ["pw=abc", ["abc"], "pw=abc"],
    ["nothing to hide", ["hunter22"], "nothing to hide"],
    ["ab", ["hunter22"], "ab"],
    ["postgres://u:pass@host/db", [], "postgres://u:***@host/db"],
  ])("%s with %j", (text, secrets, masked) => {
    expect(redactKnownSecrets(text, secrets)).toBe(masked);
  });

  it("masks each of many secrets, with one redactor for many texts", () => {
    const secrets = Array.from({ length: 500 }, (_, i) => `sk-key-${i}-xyz`);
    const redact = knownSecretsRedactor(secrets);
    expect(redact("uses sk-key-7-xyz and sk-key-499-xyz")).toBe(
      "uses sk-…(12 chars) and sk-…(14 chars)",
    );
    expect(redact("sk-key-none")).toBe("sk-key-none");
  });
});
