// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` here is shell text under test, not a template.
import { describe, expect, it } from 'vitest';
import { effectiveCommands } from '../../src/policy/detectors/shell-commands.ts';
import { normalizeShellText, parseShell } from '../../src/policy/detectors/shell-words.ts';
import { sqlStatements } from '../../src/policy/detectors/sql-text.ts';

const words = (text: string) => parseShell(text).commands.map((command) => command.words);
const run = (text: string) => effectiveCommands(text).map((command) => [command.program, ...command.args]);

describe('shell words', () => {
  it('splits on separators and honours quotes, escapes and comments', () => {
    expect(words(`a 'b c' "d\\"e" f\\ g; h && i || j | k & l\nm # n ; o`)).toEqual([['a', 'b c', 'd"e', 'f g'], ['h'], ['i'], ['j'], ['k'], ['l'], ['m']]);
    expect(parseShell('a | b').commands.map((command) => command.pipesInto)).toEqual([true, false]);
  });

  it('keeps redirections apart from words', () => {
    expect(parseShell('dd if=a of=b 2>&1 >/dev/null').commands[0]).toEqual({
      words: ['dd', 'if=a', 'of=b'],
      redirects: [
        { op: '2>&', target: '1' },
        { op: '>', target: '/dev/null' },
      ],
      pipesInto: false,
    });
  });

  it('parses substitutions as commands of their own, and `$(echo x)` as x', () => {
    expect(words('echo $(rm -rf /) `id`')).toEqual([['echo', '$()', '$()'], ['rm', '-rf', '/'], ['id']]);
    expect(words('rm -rf $(echo /)')[0]).toEqual(['rm', '-rf', '/']);
  });

  it('undoes the tricks that hide words', () => {
    expect(normalizeShellText('R\u200bM${IFS}-RF\\\n /')).toBe('rm -rf /');
    expect(words("$'\\x72\\x6d' -rf /")).toEqual([['rm', '-rf', '/']]);
    expect(words('ｒｍ -rf /')).toEqual([['rm', '-rf', '/']]);
  });

  it('reports an unclosed quote, and throws beyond its nesting limit', () => {
    expect(parseShell("don't").balanced).toBe(false);
    let deep = 'ls';
    for (let i = 0; i < 10; i += 1) deep = `$(${deep})`;
    expect(() => parseShell(deep)).toThrow(/nested deeper/);
  });
});

describe('effective commands', () => {
  it.each([
    ["sudo -u root env -i X=1 timeout 5 nice -n 3 bash -c 'rm -rf /'", [['rm', '-rf', '/']]],
    ["echo 'git push -f' | sh", [['echo', 'git push -f'], ['git', 'push', '-f']]],
    ['echo / | xargs rm -rf', [['echo', '/'], ['rm', '-rf', '/']]],
    ["ssh -p 22 host 'rm -rf /tmp/x'", [['rm', '-rf', '/tmp/x']]],
    ["python3 -c \"import os; os.system('ls -la')\"", [['python3', '-c', "import os; os.system('ls -la')"], ['ls', '-la']]],
    ['FOO=1 /usr/bin/git push', [['git', 'push']]],
  ])('unwraps %j', (text, expected) => {
    expect(run(text)).toEqual(expected);
  });

  it('reads an unclosed quote both ways', () => {
    expect(run("echo don't; rm -rf /")).toContainEqual(['rm', '-rf', '/']);
  });
});

describe('sql statements', () => {
  const texts = (sql: string) => sqlStatements(sql).map((statement) => statement.text);
  it('drops comments and literals, keeps executable comments and dollar-quoted bodies', () => {
    expect(texts("select 'a;b' -- x\n; DROP/**/DATABASE p /* y */")).toEqual(["select ''", 'drop database p']);
    expect(texts('/*!50000 drop table t */')).toEqual(['drop table t']);
    expect(texts('do $$ begin delete from t; end $$')).toContain('begin delete from t');
  });

  it('reads backslash escapes both ways (standard SQL and MySQL)', () => {
    // Standard SQL: `'a\'` ends the literal, so a DROP follows. MySQL: one literal, `select ''` (listed once).
    expect(texts("select 'a\\'; drop table t; -- '")).toEqual(["select ''", 'drop table t']);
    expect(texts("select 'a\\'' ; drop table t; -- '")).toEqual(["select ''", 'drop table t']);
  });

  it('reads the literals of dynamic SQL as SQL', () => {
    expect(texts("EXECUTE 'TRUNCATE ' || 'users'")).toContain('truncate users');
  });
});
