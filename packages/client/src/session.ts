import { errorFromResponse, SoulChatError } from './errors.ts';
import type { Answer } from './http-types.ts';

/** An upload as POST /media answers it, with its first links. */
export type MediaUpload = Answer<'/media', 'post'>;
/** An upload as GET /media/{id} shows it, with fresh short-lived links to its bytes. */
export type MediaView = Answer<'/media/{id}', 'get'>;

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** Where a session's tokens live between page loads: memory in Node, localStorage in browsers. */
export interface TokenStore {
  load(): Tokens | null;
  save(tokens: Tokens | null): void;
}

export function memoryTokenStore(): TokenStore {
  let tokens: Tokens | null = null;
  return {
    load: () => tokens,
    save: (t) => {
      tokens = t;
    },
  };
}

export interface Account {
  id: string;
  username: string;
  [field: string]: unknown;
}

export interface Registration {
  username: string;
  email: string;
  password: string;
  displayName?: string;
}

export interface SessionOptions {
  /** The ingress, e.g. `https://chat.example.com` (every route is reached through it). */
  baseUrl: string;
  store?: TokenStore;
  fetch?: typeof fetch;
  /** How often a pending registration is asked about, and for how long. */
  registrationPollMs?: number;
  registrationTimeoutMs?: number;
}

/** Seconds left before the access token expires (from its `exp`; the server checks the signature). */
export function secondsLeft(accessToken: string, now = Date.now()): number {
  try {
    const payload = accessToken.split('.')[1] ?? '';
    const json = JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp - now / 1000 : 0;
  } catch {
    return 0;
  }
}

/** A url-safe id of 128 random bits: registrations are read back by it, so it must be unguessable. */
function registrationId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One person's session: registration, login, tokens that refresh themselves (one refresh in flight
 * at a time: the server revokes a session whose refresh token is used twice), logout, and
 * authorised JSON requests that turn every failure into a SoulChatError.
 */
export class Session {
  private readonly store: TokenStore;
  private readonly fetch: typeof fetch;
  private refreshing: Promise<Tokens> | undefined;

  constructor(private readonly options: SessionOptions) {
    this.store = options.store ?? memoryTokenStore();
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  get loggedIn(): boolean {
    return this.store.load() !== null;
  }

  private async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.send(method, path, {
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  private async send(method: string, path: string, init: { headers: Record<string, string>; body?: BodyInit }) {
    try {
      return await this.fetch(`${this.options.baseUrl}${path}`, { method, ...init });
    } catch (err) {
      throw new SoulChatError('NETWORK', `cannot reach ${this.options.baseUrl}: ${(err as Error).message}`);
    }
  }

  /**
   * Registers and waits until the account exists (the server may answer 202 and finish later).
   * After a 202 the server tells only the new user id (a read by registration id carries no
   * personal data); log in for the account.
   */
  async register(input: Registration): Promise<Pick<Account, 'id'> & Partial<Account>> {
    const id = registrationId();
    let res = await this.call('POST', '/register', input, { 'idempotency-key': id });
    const deadline = Date.now() + (this.options.registrationTimeoutMs ?? 30_000);
    while (res.status === 202 && Date.now() < deadline) {
      await sleep(this.options.registrationPollMs ?? 250);
      res = await this.call('GET', `/registrations/${id}`);
    }
    if (res.status === 202) throw new SoulChatError('TIMEOUT', 'the registration is still running; try again later');
    if (!res.ok) throw await errorFromResponse(res);
    const { user } = (await res.json()) as { user: Pick<Account, 'id'> & Partial<Account> };
    return user;
  }

  async login(identifier: string, password: string): Promise<Account> {
    const res = await this.call('POST', '/login', { identifier, password });
    if (!res.ok) throw await errorFromResponse(res);
    const { user, accessToken, refreshToken } = (await res.json()) as Tokens & { user: Account };
    this.store.save({ accessToken, refreshToken });
    return user;
  }

  /** A valid access token: the stored one, or a fresh one when it is close to expiry or `fresh`. */
  async accessToken(fresh = false): Promise<string> {
    const tokens = this.store.load();
    if (!tokens) throw new SoulChatError('UNAUTHORIZED', 'not logged in');
    if (!fresh && secondsLeft(tokens.accessToken) > 30) return tokens.accessToken;
    return (await this.refresh()).accessToken;
  }

  /** Rotates the refresh token; callers at the same moment share the one call. */
  refresh(): Promise<Tokens> {
    this.refreshing ??= this.rotate().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async rotate(): Promise<Tokens> {
    const current = this.store.load();
    if (!current) throw new SoulChatError('UNAUTHORIZED', 'not logged in');
    const res = await this.call('POST', '/token/refresh', { refreshToken: current.refreshToken });
    if (res.status === 401) this.store.save(null);
    if (!res.ok) throw await errorFromResponse(res);
    const { accessToken, refreshToken } = (await res.json()) as Tokens;
    const tokens = { accessToken, refreshToken };
    this.store.save(tokens);
    return tokens;
  }

  async logout(): Promise<void> {
    const tokens = this.store.load();
    if (!tokens) return;
    try {
      await this.request('POST', '/logout', { refreshToken: tokens.refreshToken });
    } finally {
      this.store.save(null);
    }
  }

  /** An authorised JSON request; a 401 refreshes the token once and tries again. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.authorised((authorization) => this.call(method, path, body, authorization));
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  /**
   * Uploads a file (its bytes as they are; the server reads the type from them): images come back
   * with their size in pixels and thumbnail links. Send it with `ChatSocket.send(..., {kind:
   * upload.kind, attachment: {mediaId: upload.id}})`. Too large or over the quota is
   * PAYLOAD_TOO_LARGE (413), a type not accepted UNSUPPORTED_MEDIA_TYPE (415).
   */
  async upload(bytes: Blob | Uint8Array<ArrayBuffer>, name: string): Promise<MediaUpload> {
    const type = bytes instanceof Blob && bytes.type ? bytes.type : 'application/octet-stream';
    const res = await this.authorised((authorization) =>
      this.send('POST', uploadPath(name), { headers: { ...authorization, 'content-type': type }, body: bytes }),
    );
    return (await res.json()) as MediaUpload;
  }

  /** An upload with fresh download links (valid `ttlSeconds`, 5 minutes unless asked otherwise). */
  media(mediaId: string, ttlSeconds?: number): Promise<MediaView> {
    const query = ttlSeconds === undefined ? '' : `?ttlSeconds=${ttlSeconds}`;
    return this.request<MediaView>('GET', `/media/${encodeURIComponent(mediaId)}${query}`);
  }

  /** Calls with the access token; a 401 refreshes it once and tries again; a failure throws. */
  private async authorised(attempt: (authorization: { authorization: string }) => Promise<Response>) {
    let res = await attempt({ authorization: `Bearer ${await this.accessToken()}` });
    if (res.status === 401) res = await attempt({ authorization: `Bearer ${await this.accessToken(true)}` });
    if (!res.ok) throw await errorFromResponse(res);
    return res;
  }
}

/** Where an upload goes: the name rides in the query because the body is the file itself. */
export const uploadPath = (name: string) => `/media?${new URLSearchParams({ name })}`;
