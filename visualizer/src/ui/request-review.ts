import type { RequestSummary } from '../logic/request-summary.ts';
import { argumentsBlock } from './arguments-block.ts';
import { type Child, h } from './dom.ts';

/**
 * What a request asks, as an approver reads it on its card before deciding: the description,
 * the arguments, SecOps' verdict reason and matched rules, and the reroute SecOps suggests.
 * Every text in `summary` is already escaped (`summarizeRequest`).
 * @example panel.append(...requestReview(summarizeRequest(task)));
 */
export function requestReview(summary: RequestSummary): Child[] {
  const { verdict, suggestion } = summary;
  return [
    summary.description ? part('Description', h('p', { class: 'review-description' }, summary.description)) : null,
    part('Arguments', ...argumentsBlock(summary.args, 'Arguments of this request')),
    part(
      'SecOps',
      verdict
        ? [
            h('p', { class: 'review-reason' }, h('span', { class: `verdict verdict-${verdict.decision}` }, verdict.decision), ' ', verdict.reason),
            verdict.matchedRules.length > 0
              ? h('ul', { class: 'chips', 'aria-label': 'Matched rules' }, verdict.matchedRules.map((rule) => h('li', { class: 'chip mono' }, rule)))
              : h('p', { class: 'muted' }, 'No rule matched.'),
          ]
        : h('p', { class: 'muted' }, 'Not judged yet.'),
    ),
    suggestion
      ? part(
          'SecOps suggests instead',
          ...suggestedReroute(suggestion, { class: 'review-suggestion', lead: 'Reroute to ' }),
          h('p', { class: 'muted small' }, 'Reroute… starts from this suggestion.'),
        )
      : null,
  ];
}

/**
 * SecOps' suggested reroute as a line — its action, title and reason, after `lead` — and its
 * arguments: the queue card and the task view show it alike.
 * @example panel.append(...suggestedReroute(summary.suggestion, { class: 'detail-suggestion', lead: 'Reroute to ' }));
 */
export function suggestedReroute(suggestion: NonNullable<RequestSummary['suggestion']>, line: { class: string; lead: string }): Child[] {
  return [
    h('p', { class: line.class }, line.lead, h('span', { class: 'mono' }, suggestion.actionType), suggestion.title ? ` — ${suggestion.title}` : '', suggestion.reason ? ` (${suggestion.reason})` : ''),
    suggestion.args ? argumentsBlock(suggestion.args, 'Arguments SecOps suggests') : null,
  ];
}

function part(title: string, ...body: Child[]): HTMLElement {
  return h('section', { class: 'review-part' }, h('h4', {}, title), ...body);
}
