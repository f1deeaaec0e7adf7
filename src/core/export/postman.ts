/**
 * A run as a Postman collection (v2.1) and its environment, shaped like PingOne's step-by-step
 * collections: the same variable names, redirects not followed (the flow reads them), and test
 * scripts that store what the next request needs (`flowID`, `authCode`, `accessToken`). The
 * environment carries the constants and, present but empty unless asked for, the secrets.
 * Newman and Postman keep cookies between requests, which carries PingOne's `ST` session cookie.
 */
import type { Capture, ExportOptions, Piece, ReplayPlan, ReplayStep, Template } from './plan';
import { exportHeading, INPUTS, renderTemplate, replayPlan } from './plan';
import type { Run } from '../model';

const SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

export interface PostmanExport {
  collection: string;
  environment: string;
}

export function toPostman(run: Run, options: ExportOptions = {}): PostmanExport {
  const plan = replayPlan(run);
  const heading = exportHeading(plan, options);
  const collection = {
    info: { name: plan.profileName, description: heading.join('\n'), schema: SCHEMA },
    item: plan.steps.map((step) => item(step, plan)),
    ...(options.insecure ? { protocolProfileBehavior: { strictSSL: false } } : {}),
  };
  const constants = (['authPath', 'envID', 'appID', 'redirect_uri'] as const).filter((v) => plan.values[v] !== undefined);
  const environment = {
    name: plan.profileName,
    values: [
      ...constants.map((key) => ({ key, value: plan.values[key], type: 'default', enabled: true })),
      // Every secret the collection may need is listed, so the person sees what to fill in.
      ...INPUTS.filter((key) => key !== 'otp' || plan.inputs.includes(key)).map((key) => ({
        key,
        value: options.includeSecrets ? (plan.values[key] ?? '') : '',
        type: 'secret',
        enabled: true,
      })),
    ],
    _postman_variable_scope: 'environment',
    _postman_exported_using: 'Auth Flow Explorer',
    ...(options.includeSecrets ? { description: heading[1] } : {}),
  };
  return { collection: `${JSON.stringify(collection, null, 2)}\n`, environment: `${JSON.stringify(environment, null, 2)}\n` };
}

function item(step: ReplayStep, plan: ReplayPlan) {
  const { request } = step;
  const variable = (p: Exclude<Piece, string>) => `{{${p.variable}}}`;
  const text = (t: Template) => renderTemplate(t, variable);
  const formEncode = (literal: string) => new URLSearchParams([['', literal]]).toString().slice(1);
  const query = request.query.map(([key, value]) => `${formEncode(key)}=${renderTemplate(value, variable, formEncode)}`);
  const url = `${text(request.base)}${query.length ? `?${query.join('&')}` : ''}`;
  const prerequest = step.kind === 'authorize' ? generate(plan) : [];
  const tests = [
    ...(step.status === undefined ? [] : [`pm.test(${JSON.stringify(`${step.name} answers ${step.status}`)}, () => pm.response.to.have.status(${step.status}));`]),
    ...step.captures.flatMap((capture) => captureScript(step.name, capture)),
  ];
  return {
    name: step.name,
    event: [
      ...(prerequest.length ? [{ listen: 'prerequest', script: { type: 'text/javascript', exec: prerequest } }] : []),
      ...(tests.length ? [{ listen: 'test', script: { type: 'text/javascript', exec: tests } }] : []),
    ],
    // The flow reads each redirect (flowId, code) instead of following it.
    protocolProfileBehavior: { followRedirects: false },
    request: {
      method: request.method,
      description: step.title,
      header: request.headers.map(([key, value]) => ({ key, value: text(value) })),
      url,
      ...(request.basic
        ? { auth: { type: 'basic', basic: [{ key: 'username', value: text(request.basic.username), type: 'string' }, { key: 'password', value: text(request.basic.password), type: 'string' }] } }
        : {}),
      ...(request.body === undefined
        ? {}
        : request.body.kind === 'form'
          ? { body: { mode: 'urlencoded', urlencoded: request.body.fields.map(([key, value]) => ({ key, value: text(value), type: 'text' })) } }
          : { body: { mode: 'raw', raw: text(request.body.text), ...(request.body.kind === 'json' ? { options: { raw: { language: 'json' } } } : {}) } }),
    },
  };
}

/** A fresh state, nonce and PKCE pair before each authorize (RFC 7636 §4.1–4.2), with the crypto-js that Postman's sandbox provides. */
function generate(plan: ReplayPlan): string[] {
  if (!plan.generated.length) return [];
  return [
    "const cryptoJs = require('crypto-js');",
    "const base64url = (words) => cryptoJs.enc.Base64.stringify(words).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');",
    ...plan.generated.filter((v) => v !== 'codeChallenge').map((v) => `pm.collectionVariables.set('${v}', base64url(cryptoJs.lib.WordArray.random(32)));`),
    ...(plan.generated.includes('codeChallenge') ? ["pm.collectionVariables.set('codeChallenge', base64url(cryptoJs.SHA256(pm.collectionVariables.get('codeVerifier'))));"] : []),
  ];
}

function captureScript(step: string, capture: Capture): string[] {
  const read =
    capture.from === 'location'
      ? `((/[?&#]${capture.param}=([^&#]*)/.exec(pm.response.headers.get('Location') || '') || [])[1] || '')`
      : `String(pm.response.json()${capture.path.map((key) => `?.[${JSON.stringify(key)}]`).join('')} ?? '')`;
  const what = capture.from === 'location' ? `the ${capture.param} parameter of the Location` : capture.path.join('.');
  if (capture.verify) {
    return [`pm.test(${JSON.stringify(`${step}: ${what} is the ${capture.variable} sent (RFC 6749 §10.12)`)}, () => pm.expect(decodeURIComponent(${read})).to.equal(pm.collectionVariables.get('${capture.variable}')));`];
  }
  return [
    `pm.test(${JSON.stringify(`${step}: the response has ${what}`)}, () => pm.expect(${read}).to.not.equal(''));`,
    `pm.collectionVariables.set('${capture.variable}', decodeURIComponent(${read}));`,
  ];
}
