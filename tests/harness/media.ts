/** Uploading and downloading through the ingress, as a client does (the body is the file's bytes). */
export interface Uploaded {
  id: string;
  kind: 'image' | 'file';
  mimeType: string;
  name: string;
  size: number;
  width: number;
  height: number;
  hasThumbnail: boolean;
  conversationId: string | null;
  links: { original: string; thumb?: string; preview?: string };
}

export interface UploadReply<T = Uploaded> {
  status: number;
  body: T;
  headers: Headers;
}

export async function upload<T = Uploaded>(
  edge: string,
  token: string,
  bytes: Uint8Array | ReadableStream<Uint8Array>,
  name: string,
  contentType = 'application/octet-stream',
): Promise<UploadReply<T>> {
  const streamed = bytes instanceof ReadableStream;
  const res = await fetch(`${edge}/media?${new URLSearchParams({ name })}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: bytes,
    ...(streamed ? { duplex: 'half' } : {}),
    signal: AbortSignal.timeout(60_000),
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

/** A link from GET /media/{id}, fetched with no token (the signature is the permission). */
export async function download(edge: string, link: string) {
  const res = await fetch(`${edge}${link}`, { signal: AbortSignal.timeout(60_000) });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
