/** What a request path asks for: a file of the bundle, the app's page, or nothing we serve. */
export type Target = { file: string } | { page: true } | { none: true };

/**
 * A file inside the bundle (relative, no `..`, no hidden or encoded tricks), the app's page for an
 * address without an extension (the app routes by the fragment; any other path shows the page too),
 * or nothing.
 */
export function targetOf(urlPath: string): Target {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { none: true };
  }
  if (decoded === '/' || decoded === '/index.html') return { page: true };
  const parts = decoded.split('/').filter((p) => p !== '');
  if (parts.some((p) => p.startsWith('.') || p.includes('\\') || p.includes('\0'))) return { none: true };
  const last = parts.at(-1) ?? '';
  if (!last.includes('.')) return { page: true };
  return { file: parts.join('/') };
}
