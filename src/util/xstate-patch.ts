import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/*
 * Why, the spreads: on Node 20 (V8 11.3) an object literal that spreads one object and then adds keys it did
 * not have (`{ ...defaults, ...options }`, `{ ...def, extra }`) takes V8's slow path
 * (https://bugs.chromium.org/p/v8/issues/detail?id=11536): 0.4–0.9 µs per added key and a new
 * hidden class each time. XState's Actor constructor does it for every actor it creates (six
 * added keys, ~3 µs), entering a state with an `invoke` does it again for the child (three
 * actors per task), and `getPersistedSnapshot` does it for every snapshot it persists (~2.4 µs
 * → 0.5 µs). `Object.assign` onto a fresh `{}` gives the same own enumerable properties in
 * the same order; the sources rewritten here are plain objects of XState's own, with no
 * `__proto__` keys and no accessors, so behaviour is unchanged and only speed is.
 *
 * Why, the snapshot's value and tags: every snapshot XState makes (eleven per resume) computes
 * its `value` with `getStateValue`, which builds a Set and two adjacency Maps of the active state
 * nodes and walks them. The task machine is flat: the active nodes are the root and one atomic
 * child, whose key is the value — what the walk returns for them, without the walk. Any other
 * configuration (nested, parallel, a root alone) takes XState's own path. Its tag set is built
 * with a loop instead of `flatMap` (same tags, same order).
 *
 * `npm run bench -- --xstate-patch` measures it all side by side.
 */

/** One rewrite: what XState ships (`from`; `published` is the same text as it is restored) and what replaces it. */
export interface XstateRewrite {
  name: string;
  from: RegExp;
  published: string;
  to: string;
}

/** The object spreads of XState's hot path that add keys, and their `Object.assign` forms: each an expression. */
export const XSTATE_SPREAD_REWRITES: readonly XstateRewrite[] = [
  {
    name: 'Actor options',
    from: /\{\s*\.\.\.defaultOptions,\s*\.\.\.options\s*\}/,
    published: '{ ...defaultOptions, ...options }',
    to: 'Object.assign({}, defaultOptions, options)',
  },
  {
    name: 'invoked child options',
    from: /\{\s*\.\.\.invokeDef,\s*syncSnapshot: !!invokeDef\.onSnapshot\s*\}/,
    published: '{ ...invokeDef, syncSnapshot: !!invokeDef.onSnapshot }',
    to: 'Object.assign({}, invokeDef, { syncSnapshot: !!invokeDef.onSnapshot })',
  },
  {
    // `jsonValues` is the fresh object of the object rest just above, used nowhere else.
    name: 'persisted snapshot',
    from: /\{\s*\.\.\.jsonValues,\s*context: persistContext\(context\),\s*children: childrenJson,\s*historyValue: serializeHistoryValue\(jsonValues\.historyValue\)\s*\}/,
    published: '{ ...jsonValues, context: persistContext(context), children: childrenJson, historyValue: serializeHistoryValue(jsonValues.historyValue) }',
    to: 'Object.assign(jsonValues, { context: persistContext(context), children: childrenJson, historyValue: serializeHistoryValue(jsonValues.historyValue) })',
  },
  {
    name: 'inspection event',
    from: /\{\s*\.\.\.event,\s*rootId: rootActor\.sessionId\s*\}/,
    published: '{ ...event, rootId: rootActor.sessionId }',
    to: 'Object.assign({}, event, { rootId: rootActor.sessionId })',
  },
];

/** The first statement `getStateValue` gets: a root with one atomic child has that child's key as its value. */
export const FLAT_STATE_VALUE =
  "if (stateNodes.length === 2 && stateNodes[0] === rootNode && rootNode.type === 'compound' && stateNodes[1].parent === rootNode && (stateNodes[1].type === 'atomic' || stateNodes[1].type === 'final')) return stateNodes[1].key;";

/** The state value of a flat configuration, without XState's walk (see above). */
export const XSTATE_STATE_VALUE_REWRITE: XstateRewrite = {
  name: 'state value',
  from: /function getStateValue\(rootNode, stateNodes\) \{\n\s*const config = getAllStateNodes\(stateNodes\);/,
  published: 'function getStateValue(rootNode, stateNodes) {\n  const config = getAllStateNodes(stateNodes);',
  to: `function getStateValue(rootNode, stateNodes) {\n  ${FLAT_STATE_VALUE}\n  const config = getAllStateNodes(stateNodes);`,
};

/**
 * The snapshot's tag set built by a loop instead of `new Set(nodes.flatMap(…))`: the same tags in
 * the same order, without the intermediate array and callback (~230 → ~30 ns, per snapshot).
 */
export const XSTATE_TAG_SET_REWRITES: readonly XstateRewrite[] = [
  {
    name: 'tag set helper',
    from: /function createMachineSnapshot\(config, machine\) \{/,
    published: 'function createMachineSnapshot(config, machine) {',
    to: 'function tollgateTagSet(nodes) { const tags = new Set(); for (const node of nodes) for (const tag of node.tags) tags.add(tag); return tags; }\nfunction createMachineSnapshot(config, machine) {',
  },
  {
    name: 'snapshot tags',
    from: /tags: new Set\(config\._nodes\.flatMap\(sn => sn\.tags\)\)/,
    published: 'tags: new Set(config._nodes.flatMap(sn => sn.tags))',
    to: 'tags: tollgateTagSet(config._nodes)',
  },
];

/** Every rewrite of XState's runtime files. */
export const XSTATE_REWRITES: readonly XstateRewrite[] = [...XSTATE_SPREAD_REWRITES, XSTATE_STATE_VALUE_REWRITE, ...XSTATE_TAG_SET_REWRITES];

/** The first line of a patched file. */
export const PATCH_MARKER = '/* tollgate: object spreads rewritten by bin/patch-xstate.mjs (src/util/xstate-patch.ts) */\n';

/** What {@link rewriteXstateSource} made of one file's text. */
export interface RewriteResult {
  text: string;
  /** Names of the rewrites whose code was not found (the text is then returned unchanged). */
  missing: string[];
  alreadyPatched: boolean;
}

/**
 * Applies every rewrite to the text of one of XState's runtime files; all or none. A file patched
 * by an earlier set of rewrites is restored first and patched again.
 * @example rewriteXstateSource(readFileSync(file, 'utf8')).missing // [] when it applies
 */
export function rewriteXstateSource(text: string): RewriteResult {
  const published = restoreXstateSource(text);
  const missing = XSTATE_REWRITES.filter((rewrite) => !rewrite.from.test(published)).map((rewrite) => rewrite.name);
  if (missing.length > 0) return { text, missing, alreadyPatched: false };
  const patched = PATCH_MARKER + XSTATE_REWRITES.reduce((out, rewrite) => out.replace(rewrite.from, rewrite.to), published);
  return { text: patched, missing, alreadyPatched: patched === text };
}

/**
 * The inverse of {@link rewriteXstateSource}: XState's code back (the spreads each on one line). For
 * the bench that measures the rewrite side by side.
 */
export function restoreXstateSource(text: string): string {
  if (!text.startsWith(PATCH_MARKER)) return text;
  return XSTATE_REWRITES.reduce((out, rewrite) => out.replace(rewrite.to, rewrite.published), text.slice(PATCH_MARKER.length));
}

/** XState's runtime files that define the Actor: one per build (cjs, esm, and their development builds). */
export function xstateRuntimeFiles(xstateDir: string): string[] {
  const dist = join(xstateDir, 'dist');
  return readdirSync(dist)
    .filter((name) => /^raise-[0-9a-f]+\.(development\.)?(cjs|esm)\.js$/.test(name))
    .map((name) => join(dist, name));
}

/** The directory of the `xstate` package that code in `fromDir` imports. */
export function xstatePackageDir(fromDir: string): string {
  return dirname(createRequire(join(fromDir, 'resolve-from.js')).resolve('xstate/package.json'));
}

/** What {@link patchXstate} did to one file. */
export interface PatchedFile {
  file: string;
  /** Whether this call rewrote it. */
  patched: boolean;
  alreadyPatched: boolean;
  missing: string[];
}

/**
 * Rewrites the runtime files of the XState package in `xstateDir`; idempotent. Files whose code
 * does not match (another XState version) are left as they are and reported with `missing`.
 * @example patchXstate(xstatePackageDir(projectDir)).every((file) => file.missing.length === 0)
 */
export function patchXstate(xstateDir: string): PatchedFile[] {
  return xstateRuntimeFiles(xstateDir).map((file) => {
    const { text, missing, alreadyPatched } = rewriteXstateSource(readFileSync(file, 'utf8'));
    const patched = !alreadyPatched && missing.length === 0;
    if (patched) replaceFile(file, text);
    return { file, patched, alreadyPatched, missing };
  });
}

/**
 * Writes `text` to a new file and renames it over `file`: a package manager that hard-links one
 * stored copy of XState into many projects (pnpm's content store) keeps its copy unchanged, and
 * a reader never sees half a file.
 */
function replaceFile(file: string, text: string): void {
  const next = `${file}.tollgate-${process.pid}`;
  writeFileSync(next, text);
  renameSync(next, file);
}
