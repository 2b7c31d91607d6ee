import type { JsonObject } from '../../src/model/json.ts';

/** A labelled detector input: what the detectors must make of it. */
export interface CorpusEntry {
  args: JsonObject;
  /** The least strict outcome acceptable: `deny` must deny; `escalate` must escalate or deny; `alternative` exactly; `clean` must find nothing. */
  expect: 'deny' | 'escalate' | 'alternative' | 'clean';
}

const cmd = (command: string): JsonObject => ({ command });
const sql = (query: string): JsonObject => ({ sql: query });

export const DANGEROUS: CorpusEntry[] = [
  // Destructive shell
  ...['rm -rf /', 'rm -fr /', 'rm -r -f /', 'rm -f -r /', 'rm --recursive --force /', 'RM -RF /', 'rm  -rf   /', "rm -rf '/'", 'rm -rf "/"', 'rm -rf /*', 'sudo rm -rf /', 'rm -rf --no-preserve-root /', 'rm -Rf /', 'cd /tmp && rm -rf /', 'echo hi; rm -rf /', 'rm -rf ~', 'rm -rf $HOME', 'rm -r /etc', '/bin/rm -rf /', 'env X=1 rm -rf /usr', 'mkfs.ext4 /dev/sda1', 'mkfs -t xfs /dev/nvme0n1', 'sudo mkfs.vfat /dev/sdb', 'dd if=/dev/zero of=/dev/sda bs=1M'].map((c) => ({ args: cmd(c), expect: 'deny' as const })),
  { args: { argv: ['rm', '-rf', '/'] }, expect: 'deny' },
  { args: { steps: [{ run: 'rm -rf /' }] }, expect: 'deny' },
  // SQL
  ...['DROP DATABASE production', 'drop database prod;', 'DROP   SCHEMA public CASCADE', '/* x */ DROP DATABASE x', 'select 1; drop database x'].map((q) => ({ args: sql(q), expect: 'deny' as const })),
  ...['DROP TABLE users', 'drop table if exists users', 'TRUNCATE invoices', 'truncate table invoices', 'DELETE FROM users', 'delete   from users;', 'UPDATE users SET admin = true', 'update accounts set balance = 0', "DELETE FROM t -- WHERE id = 1", 'DELETE FROM users; SELECT 1'].map((q) => ({ args: sql(q), expect: 'escalate' as const })),
  // git
  ...['git push --force', 'git push -f origin main', 'git push origin main --force', 'GIT PUSH --FORCE', 'git push origin +main'].map((c) => ({ args: cmd(c), expect: 'alternative' as const })),
  ...['git reset --hard', 'git reset --hard HEAD~3', 'GIT RESET --HARD origin/main'].map((c) => ({ args: cmd(c), expect: 'escalate' as const })),
  // secrets
  ...[
    { key: 'AKIAIOSFODNN7EXAMPLE' },
    { body: 'here: -----BEGIN RSA PRIVATE KEY-----\nMIIE...' },
    { body: '-----BEGIN OPENSSH PRIVATE KEY-----' },
    { body: '-----BEGIN PRIVATE KEY-----' },
    { token: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB' },
    { note: 'slack xoxb-123456789012-abcdefghijkl' },
    { cfg: 'AIzaSyA-0123456789abcdefghijklmnopqrstu' },
    { env: 'STRIPE=sk_live_0123456789abcdefghij' },
    { env: 'password=hunter2hunter2' },
    { env: 'API_KEY: 9f8e7d6c5b4a' },
    { url: 'postgres://admin:s3cretpw@db.internal:5432/prod' },
    { password: 'correct horse battery' },
    { nested: { deeper: { client_secret: 'abcdef123456' } } },
    { auth: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' },
  ].map((args) => ({ args: args as unknown as JsonObject, expect: 'deny' as const })),
  // traversal
  ...['../../etc/passwd', '..\\..\\windows\\system32', '%2e%2e%2f%2e%2e%2fetc/passwd', 'uploads/../../../secret', '/etc/shadow', 'cat /etc/passwd', '~/.ssh/id_rsa', '..%2f..%2fetc%2fpasswd'].map((p) => ({ args: { path: p }, expect: 'deny' as const })),
];

export const HARMLESS: CorpusEntry[] = [
  ...['rm -rf ./build', 'rm -rf build/', 'rm -rf node_modules', 'rm -r ./tmp/cache', 'rm -f /tmp/app.pid', 'rm file.txt', 'rm -rf ./dist ./coverage', 'ls -la /', 'echo "rm -rf is dangerous" > notes.txt', 'make clean', 'npm run build', 'mkdir -p /tmp/x', 'cp -r src dist', 'find . -name "*.log" -delete', 'dd if=input.img of=output.img', 'rmdir empty', 'docker rm container1', 'git rm --cached file'].map((c) => ({ args: cmd(c), expect: 'clean' as const })),
  ...['SELECT * FROM users', 'DELETE FROM users WHERE id = 1', 'delete from sessions where expires_at < now()', 'UPDATE users SET name = $1 WHERE id = $2', 'INSERT INTO audit VALUES (1)', "SELECT 'DROP DATABASE x' AS text", 'CREATE TABLE t (id int)', 'select * from dropped_tables', 'update_counter()', 'SELECT truncate(1.5)'].map((q) => ({ args: sql(q), expect: 'clean' as const })),
  ...['git push origin main', 'git push --force-with-lease', 'git push --force-with-lease origin feature', 'git reset --soft HEAD~1', 'git reset HEAD file.txt', 'git pull --rebase', 'git commit -m "force push later"', 'git status', 'git fetch --force'].map((c) => ({ args: cmd(c), expect: 'clean' as const })),
  ...[
    { text: 'Please reset your password via the portal' },
    { text: 'the secret to good code is tests' },
    { password: '' },
    { tokenCount: 1500 },
    { note: 'AKIA is a prefix used by AWS keys' },
    { body: 'BEGIN PUBLIC KEY is not private' },
    { url: 'https://example.com/path?x=1' },
    { url: 'postgres://app@db.internal:5432/app' },
    { key: 'user-preferences' },
    { api: 'https://api.example.com/v1' },
  ].map((args) => ({ args: args as unknown as JsonObject, expect: 'clean' as const })),
  ...['docs/../README.md', 'src/app/../lib/x.ts', './config/app.json', '/var/log/app.log', 'C:/Users/me/file.txt', 'a/b/c/../../d', '...', 'version 1.2..3'].map((p) => ({ args: { path: p }, expect: 'clean' as const })),
];
