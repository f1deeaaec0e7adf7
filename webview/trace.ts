/**
 * Follows values through a run: which step set a cookie and which ones sent it back, where a fact
 * (state, nonce, code, code_verifier, flowId…) travelled. Most sign-on bugs are a value that did not
 * make it from one step to the next; this makes the hand-off visible.
 */
import type { Run, Step } from '../src/core/model';
import { headerValue, isFormBody, splitUrl } from './format';

export function cookieSetBy(run: Run, index: number, name: string): Step | undefined {
  return run.steps.slice(0, index).reverse().find((s) => s.exchange?.cookies.set.some((c) => c.name === name));
}

export function cookieSentBy(run: Run, index: number, name: string): Step[] {
  return run.steps.slice(index + 1).filter((s) => s.exchange?.cookies.sent.some((c) => c.name === name));
}

/** Values too short or too common to trace meaningfully. */
const UNTRACEABLE = /^(S256|plain|Bearer|true|false|\d{1,5})$/;

/** Where a step's values are, parsed once per step object: a card's Values tab looks through every step of the run. */
interface Surface {
  query: [string, string][];
  path?: string;
  /** Fields of a form body; absent when the body is not a form. */
  form?: [string, string][];
  body: string;
  location: [string, string][];
  responseBody?: string;
  claims: { kind: string; claim: string; value: unknown }[];
}

const surfaces = new WeakMap<Step, Surface>();

function surfaceOf(step: Step): Surface {
  let surface = surfaces.get(step);
  if (surface) return surface;
  const request = step.exchange?.request;
  const url = request ? splitUrl(request.url) : undefined;
  const body = request?.body ?? '';
  const response = step.exchange?.response;
  const location = response ? headerValue(response.headers, 'location') : undefined;
  const target = location ? splitUrl(location) : undefined;
  surface = {
    query: url?.query ?? [],
    path: url?.path,
    form: request && isFormBody(headerValue(request.headers, 'content-type'), body) ? [...new URLSearchParams(body)] : undefined,
    body: request ? body : '',
    location: [...(target?.query ?? []), ...(target && target.hash.length > 1 ? new URLSearchParams(target.hash.slice(1)) : [])],
    responseBody: response?.body,
    claims: step.tokens.flatMap((token) => Object.entries(token.payload).map(([claim, value]) => ({ kind: token.kind, claim, value }))),
  };
  surfaces.set(step, surface);
  return surface;
}

/** Where else in the run `value` appears, as "Step title: where" lines. */
export function whereSeen(run: Run, self: Step, value: string): string[] {
  if (value.length < 6 || UNTRACEABLE.test(value)) return [];
  const found: string[] = [];
  for (const step of run.steps) {
    if (step === self) continue;
    const hits = new Set<string>();
    const surface = surfaceOf(step);
    for (const [k, v] of surface.query) if (v === value) hits.add(`${k} in the query`);
    if (surface.path?.includes(value)) hits.add('URL path');
    if (surface.form) {
      for (const [k, v] of surface.form) if (v === value) hits.add(`${k} in the form body`);
    } else if (surface.body.includes(value)) hits.add('request body');
    for (const [k, v] of surface.location) if (v === value) hits.add(`${k} in the Location`);
    if (hits.size === 0 && surface.responseBody?.includes(value)) hits.add('response body');
    for (const { kind, claim, value: v } of surface.claims) if (v === value) hits.add(`${kind} claim ${claim}`);
    for (const hit of hits) found.push(`${step.title}: ${hit}`);
  }
  return found;
}
