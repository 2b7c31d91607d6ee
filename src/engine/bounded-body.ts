/**
 * The body of `response` as UTF-8 text, reading at most `maxBytes` of it: `null` when it is
 * longer (announced by `content-length` or found while reading), and the rest is not read — an
 * answer is never held in memory whole whatever its size. Read errors (the request's signal
 * timing out, a connection reset) are thrown.
 * @example const text = await readBoundedText(response, 1024 * 1024); if (text === null) tooLarge();
 */
export async function readBoundedText(response: Response, maxBytes: number): Promise<string | null> {
  const announced = Number(response.headers.get('content-length') ?? Number.NaN);
  if (announced > maxBytes || response.body === null) {
    void response.body?.cancel().catch(() => undefined);
    return announced > maxBytes ? null : '';
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
