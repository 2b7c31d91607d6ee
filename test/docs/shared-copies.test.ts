import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/API.md and docs/DESIGN.md are copies of the team's shared documents, so a clone has
// them. Beside the shared folder (every engineer's checkout), each copy must equal its source.
const ROOT = resolve(import.meta.dirname, '../..');

describe.each(['API', 'DESIGN'])('docs/%s.md', (name) => {
  it('is the shared document, word for word, under its provenance line', () => {
    const copy = readFileSync(resolve(ROOT, `docs/${name}.md`), 'utf8');
    const [provenance, , ...body] = copy.split('\n');
    expect(provenance).toMatch(new RegExp(`^<!-- A copy of the team's shared ${name}\\.md `));
    expect(body.join('\n').length).toBeGreaterThan(1_000);
    const shared = resolve(ROOT, `../shared/${name}.md`);
    // Where the shared folder is not beside the checkout (a clone elsewhere), the copy is all there is.
    if (existsSync(shared)) expect(body.join('\n')).toBe(readFileSync(shared, 'utf8'));
  });
});
