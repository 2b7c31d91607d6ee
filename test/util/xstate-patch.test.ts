import { spawnSync } from 'node:child_process';
import { linkSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActor, createMachine, fromPromise } from 'xstate';
import { taskMachine } from '../../machines/task.machine.ts';
import { TASK_STATES } from '../../src/model/task-state.ts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FLAT_STATE_VALUE,
  PATCH_MARKER,
  XSTATE_REWRITES,
  XSTATE_SPREAD_REWRITES,
  patchXstate,
  restoreXstateSource,
  rewriteXstateSource,
  xstatePackageDir,
  xstateRuntimeFiles,
} from '../../src/util/xstate-patch.ts';

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));
const PATCH_BIN = fileURLToPath(new URL('../../bin/patch-xstate.mjs', import.meta.url));

/** XState's code around the four spreads, getStateValue and the snapshot's tags, laid out as XState 5.33 publishes it. */
const PUBLISHED = `'use strict';
const sendInspectionEvent = event => {
    const resolvedInspectionEvent = {
      ...event,
      rootId: rootActor.sessionId
    };
};
    const resolvedOptions = {
      ...defaultOptions,
      ...options
    };
      actions.push(spawnChild(invokeDef.src, {
        ...invokeDef,
        syncSnapshot: !!invokeDef.onSnapshot
      }));
  const persisted = {
    ...jsonValues,
    context: persistContext(context),
    children: childrenJson,
    historyValue: serializeHistoryValue(jsonValues.historyValue)
  };
function getStateValue(rootNode, stateNodes) {
  const config = getAllStateNodes(stateNodes);
  return getValueFromAdj(rootNode, getAdjList(config));
}
function createMachineSnapshot(config, machine) {
  return {
    _nodes: config._nodes,
    value: getStateValue(machine.root, config._nodes),
    tags: new Set(config._nodes.flatMap(sn => sn.tags)),
  };
}
`;

const temporaryDirs: string[] = [];
afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('rewriteXstateSource', () => {
  it('rewrites all four spreads into Object.assign, gives getStateValue its shortcut, and marks the file', () => {
    const { text, missing, alreadyPatched } = rewriteXstateSource(PUBLISHED);
    expect(missing).toEqual([]);
    expect(alreadyPatched).toBe(false);
    expect(text.startsWith(PATCH_MARKER)).toBe(true);
    expect(text).not.toMatch(/\.\.\.(event|defaultOptions|options|invokeDef|jsonValues)\b/);
    for (const rewrite of XSTATE_REWRITES) expect(text).toContain(rewrite.to);
    expect(text).toContain(`function getStateValue(rootNode, stateNodes) {\n  ${FLAT_STATE_VALUE}\n  const config = getAllStateNodes(stateNodes);`);
  });

  it('is idempotent, and restoreXstateSource undoes it into code it rewrites again', () => {
    const once = rewriteXstateSource(PUBLISHED).text;
    expect(rewriteXstateSource(once)).toEqual({ text: once, missing: [], alreadyPatched: true });
    const restored = restoreXstateSource(once);
    expect(restored.startsWith(PATCH_MARKER)).toBe(false);
    expect(restored).not.toContain('Object.assign');
    expect(restored).not.toContain(FLAT_STATE_VALUE);
    expect(rewriteXstateSource(restored).text).toBe(once);
  });

  it('brings a file patched by an earlier, shorter set of rewrites up to date', () => {
    const [first] = XSTATE_REWRITES;
    if (!first) throw new Error('no rewrites');
    const older = PATCH_MARKER + PUBLISHED.replace(first.from, first.to);
    const { text, alreadyPatched } = rewriteXstateSource(older);
    expect(alreadyPatched).toBe(false);
    expect(text).toBe(rewriteXstateSource(PUBLISHED).text);
  });

  it('changes nothing and names what it misses when the code is not the expected one', () => {
    const other = PUBLISHED.replace('...invokeDef,', '...invocation,');
    expect(rewriteXstateSource(other)).toEqual({ text: other, missing: ['invoked child options'], alreadyPatched: false });
  });

  it('each rewrite builds the same object as the spread it replaces: keys, order and values', () => {
    // A fresh scope per evaluation: the persisted-snapshot rewrite assigns onto the object of its rest.
    const logger = () => undefined;
    const input = () => 1;
    const clock = { setTimeout };
    const scope = () => ({
      defaultOptions: { clock, logger, devTools: false },
      options: { input: { taskId: 't-1' }, parent: undefined, id: 'secOps', clock: 'own clock', syncSnapshot: false, src: 'secOps' },
      invokeDef: { id: 'secOps', src: 'secOps', input, onSnapshot: undefined, systemId: undefined },
      event: { type: '@xstate.event', actorRef: {}, event: { type: 'EVALUATE' } },
      rootActor: { sessionId: 'x:1' },
      jsonValues: { status: 'active', output: undefined, error: undefined, value: 'parked', historyValue: { h: [] } },
      context: { taskId: 't-1' },
      childrenJson: { secOps: { src: 'secOps' } },
      persistContext: (context: object) => ({ ...context }),
      serializeHistoryValue: () => ({}),
    });
    const evaluate = (expression: string) => {
      const names = scope();
      return new Function(...Object.keys(names), `return ${expression};`)(...Object.values(names));
    };
    for (const rewrite of XSTATE_SPREAD_REWRITES) {
      const spread = evaluate(rewrite.published);
      const assigned = evaluate(rewrite.to);
      expect(Object.keys(assigned), rewrite.name).toEqual(Object.keys(spread));
      expect(assigned, rewrite.name).toEqual(spread);
      expect(Object.getPrototypeOf(assigned)).toBe(Object.prototype);
    }
    // Options left undefined are skipped by both forms.
    expect(new Function('defaultOptions', 'options', `return ${XSTATE_REWRITES[0]?.to};`)({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});

describe('patchXstate', () => {
  const fakeXstate = (code: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-xstate-patch-'));
    temporaryDirs.push(dir);
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'raise-0123abcd.cjs.js'), code);
    writeFileSync(join(dir, 'dist', 'xstate.cjs.js'), '/* not a runtime file */');
    return dir;
  };

  it('patches the runtime files of a package once', () => {
    const dir = fakeXstate(PUBLISHED);
    expect(patchXstate(dir).map((file) => [file.patched, file.alreadyPatched])).toEqual([[true, false]]);
    expect(patchXstate(dir).map((file) => [file.patched, file.alreadyPatched])).toEqual([[false, true]]);
    expect(readFileSync(join(dir, 'dist', 'xstate.cjs.js'), 'utf8')).toBe('/* not a runtime file */');
  });

  it('replaces a patched file instead of writing into it, so a hard-linked copy elsewhere (the pnpm store) keeps the published code', () => {
    const dir = fakeXstate(PUBLISHED);
    const runtime = join(dir, 'dist', 'raise-0123abcd.cjs.js');
    const elsewhere = join(dir, 'store-copy.js');
    linkSync(runtime, elsewhere);
    patchXstate(dir);
    expect(readFileSync(runtime, 'utf8').startsWith(PATCH_MARKER)).toBe(true);
    expect(readFileSync(elsewhere, 'utf8')).toBe(PUBLISHED);
    expect(readdirSync(join(dir, 'dist')).sort()).toEqual(['raise-0123abcd.cjs.js', 'xstate.cjs.js']);
  });

  it('leaves a file it does not recognise as it was', () => {
    const dir = fakeXstate('class Actor {}');
    const [file] = patchXstate(dir);
    expect(file?.missing).toHaveLength(XSTATE_REWRITES.length);
    expect(readFileSync(join(dir, 'dist', 'raise-0123abcd.cjs.js'), 'utf8')).toBe('class Actor {}');
  });
});

describe('the installed XState', () => {
  it('is patched by the postinstall script: every runtime file, so each build Node or Vite may load is fast', () => {
    const files = xstateRuntimeFiles(xstatePackageDir(PROJECT_DIR));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const unpatched = files.filter((file) => !readFileSync(file, 'utf8').startsWith(PATCH_MARKER));
    expect(unpatched, 'run `node bin/patch-xstate.mjs` (npm install does), or update src/util/xstate-patch.ts for this XState').toEqual([]);
  });

  it('runs actors as before: options, input and invoked children', async () => {
    const actor = createActor(fromPromise(async ({ input }: { input: { n: number } }) => input.n * 2), { input: { n: 21 }, id: 'doubler' });
    expect(actor.id).toBe('doubler');
    const done = new Promise((resolve) => actor.subscribe({ complete: () => resolve(actor.getSnapshot().output) }));
    actor.start();
    expect(await done).toBe(42);
  });

  it('gives every state value as XState computes it: flat, nested, parallel, final', () => {
    const flat = createActor(createMachine({ initial: 'a', states: { a: { on: { GO: 'b' } }, b: { type: 'final' } } })).start();
    expect(flat.getSnapshot().value).toBe('a');
    flat.send({ type: 'GO' });
    expect(flat.getSnapshot().value).toBe('b');
    const nested = createActor(
      createMachine({ initial: 'outer', states: { outer: { initial: 'inner', states: { inner: { on: { GO: 'other' } }, other: {} } } } }),
    ).start();
    expect(nested.getSnapshot().value).toEqual({ outer: 'inner' });
    nested.send({ type: 'GO' });
    expect(nested.getSnapshot().value).toEqual({ outer: 'other' });
    const parallel = createActor(
      createMachine({ type: 'parallel', states: { x: { initial: 'x1', states: { x1: {} } }, y: { initial: 'y1', states: { y1: { on: { GO: 'y2' } }, y2: {} } } } }),
    ).start();
    expect(parallel.getSnapshot().value).toEqual({ x: 'x1', y: 'y1' });
    parallel.send({ type: 'GO' });
    expect(parallel.getSnapshot().value).toEqual({ x: 'x1', y: 'y2' });
    const compoundChild = createActor(createMachine({ initial: 'a', states: { a: { initial: 'a1', states: { a1: {} } } } })).start();
    expect(compoundChild.getSnapshot().value).toEqual({ a: 'a1' });
  });

  it('gives each snapshot its tags as XState does: every active node\'s, in order, once', () => {
    const tagged = createActor(
      createMachine({ initial: 'a', tags: ['root'], states: { a: { tags: ['x', 'y'], initial: 'a1', states: { a1: { tags: ['y', 'z'], on: { GO: 'a2' } }, a2: {} } } } }),
    ).start();
    expect([...tagged.getSnapshot().tags]).toEqual(['root', 'x', 'y', 'z']);
    tagged.send({ type: 'GO' });
    expect([...tagged.getSnapshot().tags]).toEqual(['root', 'x', 'y']);
    expect(tagged.getSnapshot().hasTag('z')).toBe(false);
  });

  it('the task machine is flat: each of its states is a value the shortcut gives', () => {
    expect(taskMachine.root.type).toBe('compound');
    for (const state of TASK_STATES.filter((name) => name in taskMachine.root.states)) {
      const node = taskMachine.root.states[state];
      expect(['atomic', 'final'], state).toContain(node?.type);
      expect(taskMachine.resolveState({ value: state, context: {} as never }).value).toBe(state);
    }
  });

  it('the postinstall script is a no-op on a patched install and never fails', () => {
    const run = spawnSync(process.execPath, [PATCH_BIN], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });
});
