import type { Detector } from './detector.ts';
import { destructiveShell } from './destructive-shell.ts';
import { destructiveSql } from './destructive-sql.ts';
import { gitHistory } from './git-history.ts';
import { pathTraversal } from './path-traversal.ts';
import { remoteCode } from './remote-code.ts';
import { secrets } from './secrets.ts';

export type { Detector, Finding, ScannedString, Severity } from './detector.ts';
export { scanStrings } from './scan.ts';

/** The built-in detectors, run on every proposal whatever the autonomy. */
export const DEFAULT_DETECTORS: readonly Detector[] = [secrets, pathTraversal, destructiveShell, destructiveSql, gitHistory, remoteCode];
