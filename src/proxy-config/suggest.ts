import { closest, distance } from "fastest-levenshtein";

/** How far a typo may be from the key it was meant as, per character. */
const TYPO_RATIO = 0.34;
const MIN_TYPO_DISTANCE = 2;

/** The known key nearest to an unknown one, when it is close enough. */
export function nearestKey(
  key: string,
  known: readonly string[],
): string | undefined {
  if (known.length === 0) return undefined;
  const lower = key.toLowerCase();
  const exactButCase = known.find((candidate) => candidate === lower);
  if (exactButCase) return exactButCase;
  const candidate = closest(lower, [...known]);
  const allowed = Math.max(
    MIN_TYPO_DISTANCE,
    Math.floor(key.length * TYPO_RATIO),
  );
  return distance(lower, candidate) <= allowed ? candidate : undefined;
}
