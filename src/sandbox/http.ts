/**
 * The sandbox's HTTP vocabulary: a request read in full (body capped), and a reply as a plain value
 * that the server writes. Handlers take a {@link SandboxRequest} and return a {@link Reply}, so every
 * endpoint reads like the protocol step it implements and none of them touches a socket.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** Bodies above this are refused with 413; the sandbox never buffers more. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface SandboxRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** Body as UTF-8 text; '' when there is none. */
  body: string;
  cookies: ReadonlyMap<string, string>;
  /** The TLS client certificate presented on the connection, when the sandbox listens with TLS and one was. */
  clientCertificate?: ClientCertificate;
}

export interface ClientCertificate {
  /** Whether it chains to the sandbox's client CA. */
  authorized: boolean;
  /** The subject DN as RFC 4514 writes it: most specific first, `CN=client,O=Example`. */
  subjectDn: string;
  /** SHA-256 fingerprint, for a registered self-signed certificate. */
  fingerprint256: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

export class BodyTooLargeError extends Error {
  constructor() {
    super(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

/** Whether the request announces a body over {@link MAX_BODY_BYTES}, so it can be refused unread. */
export function declaresTooLarge(req: IncomingMessage): boolean {
  return Number(req.headers['content-length']) > MAX_BODY_BYTES;
}

/**
 * Reads the body as text. A body announced or found to be over {@link MAX_BODY_BYTES} fails at once
 * with {@link BodyTooLargeError}, so the 413 goes out while the client is still sending; the rest of
 * the body keeps flowing and is discarded.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    if (declaresTooLarge(req)) return reject(new BodyTooLargeError());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else {
        // Removing the listener does not pause the stream: what follows is read and dropped.
        req.off('data', onData);
        reject(new BodyTooLargeError());
      }
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // A destroyed request never ends; without this the handler would wait forever (no-op after 'end').
    req.on('close', () => reject(new Error('The request was aborted before its body ended.')));
  });
}

/** The media type of a Content-Type or Accept item: lower case, parameters dropped. */
export function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    // First one wins: RFC 6265 §5.4 sends the most specific path first.
    if (!cookies.has(name)) cookies.set(name, pair.slice(eq + 1).trim());
  }
  return cookies;
}

export type FormResult = { ok: true; params: Map<string, string> } | { ok: false; description: string };

/**
 * Parses an `application/x-www-form-urlencoded` body. A repeated parameter is an error:
 * RFC 6749 §3.1 "Request and response parameters MUST NOT be included more than once."
 */
export function parseForm(req: SandboxRequest): FormResult {
  if (mediaType(req.headers['content-type']) !== 'application/x-www-form-urlencoded') {
    return { ok: false, description: 'The body must be application/x-www-form-urlencoded.' };
  }
  return parseParams(new URLSearchParams(req.body));
}

export function parseParams(search: URLSearchParams): FormResult {
  const params = new Map<string, string>();
  for (const [name, value] of search) {
    if (params.has(name)) return { ok: false, description: `The parameter "${name}" is repeated.` };
    params.set(name, value);
  }
  return { ok: true, params };
}

export function json(status: number, value: unknown, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers }, body: JSON.stringify(value) };
}

export function redirect(location: string, headers: Record<string, string | string[]> = {}): Reply {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store', ...headers }, body: '' };
}

/** Appends Set-Cookie lines to a reply without dropping the ones already there. */
export function withCookies(reply: Reply, cookies: readonly string[]): Reply {
  if (!cookies.length) return reply;
  const existing = reply.headers['Set-Cookie'];
  const before = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  return { ...reply, headers: { ...reply.headers, 'Set-Cookie': [...before, ...cookies] } };
}
