/**
 * A run as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): every exchange with its
 * request and response headers, bodies, cookies and timings, for browser devtools, HAR viewers and
 * bug reports. Unlike the replay formats it keeps each request exactly as sent, so secrets are
 * redacted (`$VARIABLE`, see redact.ts) unless the person asked for them.
 */
import { headerValue } from '../http';
import type { CookieRecord, Exchange, Run } from '../model';
import { redactRun } from '../redact';
import type { ExportOptions } from './plan';
import { exportHeading } from './plan';

type NameValue = { name: string; value: string };

export function toHar(run: Run, options: ExportOptions = {}): string {
  const shown = options.includeSecrets ? run : redactRun(run);
  const entries = shown.steps.flatMap((step) => (step.exchange ? [entry(step.startedAt, step.title, step.exchange)] : []));
  const har = {
    log: {
      comment: exportHeading({ profileName: run.profile.name, issuer: run.profile.issuer }, options).join(' '),
      version: '1.2',
      creator: { name: 'Auth Flow Explorer', version: '1' },
      pages: [{ startedDateTime: shown.startedAt, id: shown.id, title: shown.profile.name, pageTimings: {} }],
      entries: entries.map((e) => ({ pageref: shown.id, ...e })),
    },
  };
  return `${JSON.stringify(har, null, 2)}\n`;
}

function entry(startedAt: string, title: string, exchange: Exchange) {
  const { request, response, timing, cookies } = exchange;
  const url = new URL(request.url);
  const contentType = headerValue(request.headers, 'content-type') ?? '';
  // HAR wants each phase; what was not measured is -1 (§ timings), and the total is their sum.
  const connect = timing.connect ?? -1;
  const wait = timing.ttfb === undefined ? timing.total : Math.max(timing.ttfb - Math.max(connect, 0), 0);
  const receive = timing.ttfb === undefined ? 0 : Math.max(timing.total - timing.ttfb, 0);
  return {
    startedDateTime: startedAt,
    time: Math.max(connect, 0) + wait + receive,
    comment: title,
    request: {
      method: request.method,
      url: request.url,
      httpVersion: 'HTTP/1.1',
      cookies: cookies.sent.map(cookie),
      headers: request.headers.map(nameValue),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(request.body === undefined
        ? {}
        : {
            postData: {
              mimeType: contentType,
              text: request.body,
              ...(/application\/x-www-form-urlencoded/i.test(contentType) ? { params: [...new URLSearchParams(request.body)].map(([name, value]) => ({ name, value })) } : {}),
            },
          }),
      headersSize: request.rawHead === undefined ? -1 : Buffer.byteLength(request.rawHead) + 2,
      bodySize: request.body === undefined ? 0 : Buffer.byteLength(request.body),
    },
    response: {
      // No response (refused, timed out): status 0, as browsers record it.
      status: response?.status ?? 0,
      statusText: response?.statusText ?? '',
      httpVersion: response ? 'HTTP/1.1' : '',
      cookies: cookies.set.map(cookie),
      headers: (response?.headers ?? []).map(nameValue),
      content: { size: response?.size ?? 0, mimeType: headerValue(response?.headers ?? [], 'content-type') ?? '', text: response?.body ?? '' },
      redirectURL: headerValue(response?.headers ?? [], 'location') ?? '',
      headersSize: -1,
      bodySize: response?.size ?? -1,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect, ssl: -1, send: 0, wait, receive },
  };
}

const nameValue = ([name, value]: [string, string]): NameValue => ({ name, value });

function cookie(record: CookieRecord) {
  return {
    name: record.name,
    value: record.value,
    ...(record.path ? { path: record.path } : {}),
    ...(record.domain ? { domain: record.domain } : {}),
    // HAR dates are ISO 8601; a Set-Cookie Expires is an HTTP date.
    ...(record.expires && !Number.isNaN(Date.parse(record.expires)) ? { expires: new Date(record.expires).toISOString() } : {}),
    ...(record.httpOnly !== undefined ? { httpOnly: record.httpOnly } : {}),
    ...(record.secure !== undefined ? { secure: record.secure } : {}),
  };
}
