/**
 * Canned exchanges, shaped as the transport records them, for the steps' `read*` functions: what a
 * server sent back, without a server.
 */
import assert from 'node:assert/strict';
import { FlowError } from '../../src/core/errors';
import type { Exchange } from '../../src/core/model';

export interface CannedResponse {
  status: number;
  headers?: [string, string][];
  /** Serialised as the body (and kept as `json`, as the transport does for JSON answers). */
  json?: unknown;
  /** A body that is not JSON. */
  body?: string;
}

export function exchangeOf(request: { method?: string; url: string }, response: CannedResponse): Exchange {
  const body = response.body ?? (response.json === undefined ? '' : JSON.stringify(response.json));
  const headers = response.headers ?? (response.json === undefined ? [] : [['content-type', 'application/json']]);
  return {
    request: { method: request.method ?? 'GET', url: request.url, headers: [], secrets: [] },
    response: {
      status: response.status,
      statusText: '',
      headers,
      body,
      ...(response.json === undefined ? {} : { json: response.json }),
      size: Buffer.byteLength(body),
      secrets: [],
    },
    timing: { connect: 0, ttfb: 1, total: 1 },
    cookies: { sent: [], set: [] },
  };
}

/** A 3xx answer whose only header is `Location` (no Location header when `location` is undefined). */
export function redirectExchange(url: string, location: string | undefined, status = 302): Exchange {
  return exchangeOf({ url }, { status, headers: location === undefined ? [] : [['location', location]] });
}

/** The FlowError `run` throws; fails the test when it throws nothing or something else. */
export function failure(run: () => unknown): FlowError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof FlowError, `expected a FlowError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a FlowError');
}
