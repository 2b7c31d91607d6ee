// Resolve hook of register.mjs: `xstate` and `xstate/…` resolve as if imported from a file in
// the given root, so Node's own package resolution (exports, conditions) finds the copy there.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

let parentURL;

export function initialize({ root }) {
  parentURL = pathToFileURL(join(root, 'redirect.js')).href;
}

export function resolve(specifier, context, nextResolve) {
  if (specifier === 'xstate' || specifier.startsWith('xstate/')) return nextResolve(specifier, { ...context, parentURL });
  return nextResolve(specifier, context);
}
