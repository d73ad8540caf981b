import chalk from "chalk";
import type { GlobalOptions } from "../cli.js";
import { UserError } from "../errors.js";
import { checkoutRef } from "../litellm-checkout/index.js";
import { updateSectionValuesInFile } from "../wrapper-config/write.js";
import { loadContext } from "./context.js";

export interface CheckoutOptions extends GlobalOptions {
  ref: string | undefined;
  force?: boolean;
}

export async function runCheckout(options: CheckoutOptions): Promise<void> {
  const { wrapper, logger } = loadContext(options);
  const ref = options.ref ?? wrapper.data.litellm.ref;
  if (!ref) {
    throw new UserError("no ref given and no pin recorded", {
      hint: "run `tdm-litellm checkout <tag>`, such as `tdm-litellm checkout v1.80.10`",
    });
  }
  const step = logger.step(`checking out ${ref} in ${wrapper.checkoutPath}`);
  const result = await checkoutRef({
    checkoutPath: wrapper.checkoutPath,
    remote: wrapper.data.litellm.remote,
    ref,
  }).catch((error: unknown) => {
    step.fail();
    throw error;
  });
  step.done(
    [
      result.cloned && "cloned",
      result.fetched && "fetched",
      result.commit.slice(0, 12),
    ]
      .filter(Boolean)
      .join(", "),
  );
  updateSectionValuesInFile(wrapper.file, "litellm", {
    ref: result.ref,
    commit: result.commit,
  });
  logger.info(
    `pinned ${chalk.bold(result.ref)} (${result.commit.slice(0, 12)}) in ${wrapper.file}`,
  );
}
