/**
 * The pure parts of the extension's Measure Environment command (src/extension/run/measurePlan.ts):
 * which profiles can run unattended, the count inputs' validation, the progress line.
 */
import assert from 'node:assert/strict';
import { measuredLine, needsCredentials, progressMessage, unattendedProblem, validateCount } from '../../src/extension/run/measurePlan';
import { sampleProfile } from '../fixtures/profiles';

describe('Measure Environment (extension, pure parts)', () => {
  it('measures only flows no person takes part in', () => {
    assert.equal(unattendedProblem(sampleProfile()), undefined, 'PingOne signs on headless by default');
    assert.equal(unattendedProblem(sampleProfile({ grant: 'client_credentials' })), undefined);
    assert.match(unattendedProblem(sampleProfile({ grant: 'device_code' })) ?? '', /"Staging" uses the device-code grant/);
    assert.match(unattendedProblem(sampleProfile({ signOn: 'browser' })) ?? '', /"Staging" signs on in the browser/);
    // An issuer that is not PingOne signs on in the browser unless told otherwise.
    assert.match(unattendedProblem(sampleProfile({ region: undefined, envId: undefined, issuer: 'https://as.example' })) ?? '', /signs on in the browser/);
  });

  it('asks for credentials only for a flow that signs a person on', () => {
    assert.equal(needsCredentials(sampleProfile()), true);
    assert.equal(needsCredentials(sampleProfile({ grant: 'client_credentials' })), false);
  });

  it('takes a whole number from 1 to the maximum', () => {
    for (const ok of ['1', '20', ' 32 ']) assert.equal(validateCount(ok, 32), undefined, ok);
    for (const bad of ['0', '33', '2.5', '-1', '', 'ten', '1e1']) assert.equal(validateCount(bad, 32), 'Enter a whole number from 1 to 32.', bad);
  });

  it('says how far the measurement is, and what it measured', () => {
    assert.equal(progressMessage({ runs: 12, failed: 1 }, 20), '12/20 runs, 1 failed');
    const report = { profile: 'Staging', repeat: 20, concurrency: 2, elapsedMs: 3400, interrupted: true, runs: 12, succeeded: 11, failed: 1, cancelled: 1, steps: [], run: { count: 12, errors: 1, p50: 70, p95: 140, max: 180 }, errors: [] };
    assert.equal(measuredLine(report), 'Cancelled measuring "Staging" after 12 of 20 runs, 2 at a time, in 3400 ms: 11 succeeded, 1 failed; whole run p50 70 ms, p95 140 ms, max 180 ms.');
    assert.equal(measuredLine({ ...report, interrupted: false, runs: 20, run: { count: 20, errors: 20 } }), 'Measured 20 runs of "Staging", 2 at a time, in 3400 ms: 11 succeeded, 1 failed.');
  });
});
