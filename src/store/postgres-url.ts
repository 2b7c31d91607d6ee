/**
 * A PostgreSQL URL (`postgres://…` / `postgresql://…`) taken apart: the connection string pg
 * reads, and Tollgate's own `schema` query parameter (null when absent), which is not a libpq
 * parameter and so is taken out before pg sees the rest.
 * @throws TypeError when `url` is not a URL
 * @example splitPostgresUrl('postgres://h/db?schema=t1') // { connectionString: 'postgres://h/db', schema: 't1' }
 */
export function splitPostgresUrl(url: string): { connectionString: string; schema: string | null } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  if (schema === null) return { connectionString: url, schema: null };
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}
