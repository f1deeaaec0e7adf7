/**
 * "Edit and resend": a request a person edited in the timeline from a recorded one, sent again. The
 * webview only ever had the redacted request, so every secret in it is a `$VARIABLE` (core/redact.ts);
 * {@link buildResendRequest} puts the run's values back, in the very shape they were marked in (a
 * form-encoded secret as its form encoding, Basic credentials as their base64), and marks them again
 * so the new step is redacted like the others. {@link readResendResponse} marks the tokens an answer
 * carries (RFC 6749 §5.1, RFC 8628 §3.2) and fails the step on an error status, as the server said it.
 */
import type { Exchange, SecretMark } from './model';
import type { HttpRequest } from './http';
import { failureFrom, isObject, responseOf } from './oauth/responses';
import { formEncode } from './oauth/clientAuth';
import { tokenMarks } from './oauth/token';

/** What the editor sends: the request as the person left it, secrets as `$VARIABLE`s. */
export interface EditedRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: [string, string][];
  body?: string;
}

const VARIABLE = /\$([A-Z][A-Z0-9_]*)/g;

/**
 * Headers of the recorded request the sending side writes itself, so an edited copy never carries a
 * stale one: Host and Content-Length from the URL and body, Cookie from the run's jar (RFC 6265 §5.4),
 * DPoP as a fresh proof (a proof is single-use, RFC 9449 §11.1).
 */
const WRITTEN_WHEN_SENT = new Set(['host', 'content-length', 'cookie', 'dpop']);

/**
 * The request to send, with each `$VARIABLE` the run marked replaced by its latest value; `unknown`
 * names the ones it has no value for, left as typed (the step says so).
 */
export function buildResendRequest(edited: EditedRequest, marks: SecretMark[]): { request: HttpRequest; unknown: string[] } {
  const values = new Map<string, SecretMark>();
  for (const mark of marks) if (mark.value) values.set(mark.variable, mark);
  const used = new Map<string, SecretMark>();
  const unknown = new Set<string>();
  // Redaction names a value by its secret in every shape it takes (core/redact.ts), so a form body or
  // a URL gets it back encoded as it travels there; a *_FORM variable already is (clientAuth.ts).
  const fill = (text: string, encode: (value: string) => string = (value) => value) =>
    text.replace(VARIABLE, (whole, name: string) => {
      const mark = values.get(name);
      if (!mark) {
        unknown.add(whole);
        return whole;
      }
      used.set(name, mark);
      return name.endsWith('_FORM') ? mark.value : encode(mark.value);
    });
  const form = edited.headers.some(([name, value]) => name.trim().toLowerCase() === 'content-type' && /application\/x-www-form-urlencoded/i.test(value));
  const request: HttpRequest = {
    method: edited.method,
    url: fill(edited.url, encodeURIComponent),
    headers: edited.headers.filter(([name]) => name.trim() && !WRITTEN_WHEN_SENT.has(name.trim().toLowerCase())).map(([name, value]) => [name.trim(), fill(value)]),
    ...(edited.body === undefined || edited.body === '' ? {} : { body: fill(edited.body, form ? formEncode : undefined) }),
    secrets: [...used.values()],
  };
  return { request, unknown: [...unknown] };
}

/** Marks the tokens and device code of the answer as its secrets, then throws the server's error for a 4xx/5xx. */
export function readResendResponse(exchange: Exchange): void {
  const response = responseOf(exchange);
  if (isObject(response.json)) {
    response.secrets.push(...tokenMarks(response.json));
    const deviceCode = response.json.device_code;
    if (typeof deviceCode === 'string' && deviceCode) response.secrets.push({ variable: 'DEVICE_CODE', value: deviceCode });
  }
  if (response.status >= 400) throw failureFrom(response, 'the resent request');
}
