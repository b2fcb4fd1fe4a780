/** Every failure the client reports: the server's error code and message, and what to do. */
export class SoulChatError extends Error {
  constructor(
    /** The server's stable code (RATE_LIMITED, FORBIDDEN, NOT_FOUND, VALIDATION_FAILED, ...) or NETWORK. */
    readonly code: string,
    message: string,
    /** The HTTP status, when the error came from an HTTP answer. */
    readonly status?: number,
    /** Seconds to wait before trying again (rate limits, a service restarting). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'SoulChatError';
  }

  get rateLimited(): boolean {
    return this.code === 'RATE_LIMITED';
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/** The error an HTTP answer carries ({error: {code, message}}), or one named after its status. */
export async function errorFromResponse(res: Response): Promise<SoulChatError> {
  const retryAfter = Number(res.headers.get('retry-after'));
  const body = (await res.json().catch(() => ({}))) as ErrorBody;
  const code = typeof body.error?.code === 'string' ? body.error.code : `HTTP_${res.status}`;
  const message = typeof body.error?.message === 'string' ? body.error.message : res.statusText;
  return new SoulChatError(
    code,
    message,
    res.status,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

/** Send errors a resend cannot fix: the send is dropped and its promise rejected. */
export const finalSendErrors = new Set(['VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'BAD_FRAME']);
