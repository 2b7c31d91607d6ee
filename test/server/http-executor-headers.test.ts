import { describe, expect, it } from 'vitest';
import { createHttpExecutor } from '../../src/engine/http-executor.ts';

const url = 'http://127.0.0.1:1/run';

describe('the HTTP executor\'s headers (found by an integrator trial)', () => {
  // TOLLGATE_EXECUTOR_AUTHORIZATION read from a file of two lines, or pasted with a typographic
  // dash: fetch refused every call, each task failed execution_outcome_unknown ("it may have
  // run", when nothing was sent) with fetch's message quoting the header's value — the secret,
  // kept in the task's error and the audit chain for good, readable by every token.
  it.each([
    ['a line break', 'Bearer s3cr3t-part-one\ns3cr3t-part-two'],
    ['a character beyond Latin-1', 'Bearer s3cr3t\u2014t0ken-value'],
    ['a NUL', 'Bearer s3cr3t-t0ken\u0000'],
  ])('refuses a header value with %s at once, naming the header, never its value', (_what, value) => {
    let error: unknown;
    try {
      createHttpExecutor({ url, headers: { authorization: value } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'validation_failed' });
    const message = (error as Error).message;
    expect(message).toContain('headers.authorization');
    expect(message).not.toContain('s3cr3t');
  });

  it('refuses a header name fetch cannot send', () => {
    expect(() => createHttpExecutor({ url, headers: { 'x-api key': 'k' } })).toThrow(/headers.*not a valid HTTP header name/);
  });

  it('takes ordinary values, surrounding white space included (fetch trims it)', () => {
    expect(() => createHttpExecutor({ url, headers: { authorization: ' Bearer ok-t0ken_ä ', 'x-tenant': 'acme' } })).not.toThrow();
  });
});
