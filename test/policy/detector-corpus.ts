import { GIT_DANGEROUS, GIT_HARMLESS } from './corpus/git.ts';
import { PATHS_AMBIGUOUS, PATHS_DANGEROUS, PATHS_HARMLESS } from './corpus/paths.ts';
import { SECRETS_AMBIGUOUS, SECRETS_DANGEROUS, SECRETS_HARMLESS } from './corpus/secrets.ts';
import { SHELL_AMBIGUOUS, SHELL_DANGEROUS, SHELL_HARMLESS } from './corpus/shell.ts';
import { SQL_AMBIGUOUS, SQL_DANGEROUS, SQL_HARMLESS } from './corpus/sql.ts';

export type { AmbiguousEntry, CorpusEntry, Expectation } from './corpus/entry.ts';

/** Inputs the detectors must catch (deny, escalate, or offer a safer alternative). */
export const DANGEROUS = [...SHELL_DANGEROUS, ...SQL_DANGEROUS, ...GIT_DANGEROUS, ...SECRETS_DANGEROUS, ...PATHS_DANGEROUS];

/** Look-alike inputs the detectors must leave alone. */
export const HARMLESS = [...SHELL_HARMLESS, ...SQL_HARMLESS, ...GIT_HARMLESS, ...SECRETS_HARMLESS, ...PATHS_HARMLESS];

/** Inputs on the line, with their outcome pinned and the reason written down. */
export const AMBIGUOUS = [...SHELL_AMBIGUOUS, ...SQL_AMBIGUOUS, ...SECRETS_AMBIGUOUS, ...PATHS_AMBIGUOUS];
