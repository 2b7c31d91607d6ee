import { describe, expect, it } from 'vitest';
import { quoted } from '../../visualizer/src/logic/quoted.ts';

describe('quoted', () => {
  it('isolates someone\'s text inside our sentence, so an override in it ends with it', () => {
    expect(quoted('Push the release branch')).toBe('“\u2068Push the release branch\u2069”');
    // A right-to-left override in a comment (comments are not refused by the API) is shown, not obeyed.
    expect(`Approved ${quoted('ok \u202eevil')} — done`).toBe('Approved “\u2068ok \\u202eevil\u2069” — done');
    expect(quoted('a\u200bb')).toBe('“\u2068a\\u200bb\u2069”');
  });
});
