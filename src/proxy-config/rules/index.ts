import type { Rule } from "./context.js";
import { checkEnvironmentBlock, checkEnvReferences } from "./env.js";
import {
  checkDuplicateModelIds,
  checkFallbackTargets,
  checkHasModels,
  checkModelIdIsNotAName,
  checkProviderKeys,
} from "./models.js";
import {
  checkMisplacedGeneralSettings,
  checkMisplacedLitellmSettings,
  checkUnknownLitellmSettings,
} from "./settings.js";
import {
  checkDatabaseUrl,
  checkMasterKey,
  checkModelMode,
  checkOllamaApiBase,
  checkPlaceholders,
  checkRedisCache,
} from "./values.js";

export type { Finding, Rule, RuleContext } from "./context.js";

/** Every rule about meaning, in the order their findings read best. */
export const RULES: readonly Rule[] = [
  checkEnvReferences,
  checkEnvironmentBlock,
  checkMisplacedGeneralSettings,
  checkMisplacedLitellmSettings,
  checkUnknownLitellmSettings,
  checkPlaceholders,
  checkDatabaseUrl,
  checkMasterKey,
  checkRedisCache,
  checkOllamaApiBase,
  checkModelMode,
  checkDuplicateModelIds,
  checkModelIdIsNotAName,
  checkFallbackTargets,
  checkProviderKeys,
  checkHasModels,
];
