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

/** Where else in the run `value` appears, as "Step title: where" lines. */
export function whereSeen(run: Run, self: Step, value: string): string[] {
  if (value.length < 6 || UNTRACEABLE.test(value)) return [];
  const found: string[] = [];
  for (const step of run.steps) {
    if (step === self) continue;
    const hits = new Set<string>();
    const exchange = step.exchange;
    if (exchange) {
      const { request } = exchange;
      const url = splitUrl(request.url);
      for (const [k, v] of url?.query ?? []) if (v === value) hits.add(`${k} in the query`);
      if (url?.path.includes(value)) hits.add('URL path');
      const body = request.body ?? '';
      if (isFormBody(headerValue(request.headers, 'content-type'), body)) {
        for (const [k, v] of new URLSearchParams(body)) if (v === value) hits.add(`${k} in the form body`);
      } else if (body.includes(value)) hits.add('request body');
    }
    const response = exchange?.response;
    if (response) {
      const location = headerValue(response.headers, 'location');
      const target = location ? splitUrl(location) : undefined;
      const params = [...(target?.query ?? []), ...(target && target.hash.length > 1 ? new URLSearchParams(target.hash.slice(1)) : [])];
      for (const [k, v] of params) if (v === value) hits.add(`${k} in the Location`);
      if (hits.size === 0 && response.body.includes(value)) hits.add('response body');
    }
    for (const token of step.tokens) {
      for (const [claim, v] of Object.entries(token.payload)) if (v === value) hits.add(`${token.kind} claim ${claim}`);
    }
    for (const hit of hits) found.push(`${step.title}: ${hit}`);
  }
  return found;
}
