import type { ShownArguments } from '../logic/request-summary.ts';
import { type Child, h } from './dom.ts';

/**
 * Arguments in their box: escaped JSON that wraps, and above it how long they are when the box
 * scrolls. The box is a tab stop, so a keyboard can scroll it too; `attributes` go on the box.
 * @example section.append(...argumentsBlock(showArguments(task.args), 'Arguments'));
 */
export function argumentsBlock(args: ShownArguments, label: string, attributes: Record<string, string> = {}): Child[] {
  return [args.size ? h('p', { class: 'muted args-size' }, args.size) : null, h('pre', { ...attributes, class: 'json', tabindex: 0, 'aria-label': label }, args.json)];
}
