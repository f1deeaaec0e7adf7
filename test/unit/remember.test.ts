/**
 * Offering to remember sign-in credentials only once the server accepted them (src/extension/run/remember.ts,
 * no VS Code): the offer is made through the run's Ask.accepted, never for other answers, not again
 * for what the secret store already holds, and what is saved is exactly what worked.
 */
import { strict as assert } from 'node:assert';
import { rememberAccepted } from '../../src/extension/run/remember';

function harness(stored: { username?: string; password?: string }, choice: boolean | undefined) {
  const offers: boolean[] = [];
  const saved: { username: string; password: string }[] = [];
  const accepted = rememberAccepted({
    stored,
    confirm: async (replacing) => {
      offers.push(replacing);
      return choice;
    },
    save: async (credentials) => {
      saved.push(credentials);
    },
  });
  return { accepted, offers, saved };
}

describe('remembering credentials after they worked', () => {
  it('offers accepted credentials and saves exactly them when the person agrees', async () => {
    const { accepted, offers, saved } = harness({}, true);
    await accepted('credentials', { username: 'demo', password: 'Right-Pass-1' });
    assert.deepEqual(offers, [false]);
    assert.deepEqual(saved, [{ username: 'demo', password: 'Right-Pass-1' }]);
  });

  it('saves nothing when the person declines or dismisses the offer', async () => {
    for (const choice of [false, undefined]) {
      const { accepted, offers, saved } = harness({}, choice);
      await accepted('credentials', { username: 'demo', password: 'Right-Pass-1' });
      assert.equal(offers.length, 1);
      assert.deepEqual(saved, []);
    }
  });

  it('says the offer replaces stored credentials that no longer work', async () => {
    const { accepted, offers, saved } = harness({ username: 'demo', password: 'Old-Pass-1' }, true);
    await accepted('credentials', { username: 'demo', password: 'New-Pass-1' });
    assert.deepEqual(offers, [true]);
    assert.deepEqual(saved, [{ username: 'demo', password: 'New-Pass-1' }]);
  });

  it('does not offer what the store already holds', async () => {
    const { accepted, offers, saved } = harness({ username: 'demo', password: 'Right-Pass-1' }, true);
    await accepted('credentials', { username: 'demo', password: 'Right-Pass-1' });
    assert.deepEqual(offers, []);
    assert.deepEqual(saved, []);
  });

  it('offers nothing for a one-time code, a device or a new password', async () => {
    const { accepted, offers, saved } = harness({}, true);
    await accepted('otp', { otp: '123456' });
    await accepted('device', { deviceId: 'd1' });
    await accepted('newPassword', { newPassword: 'New-Pass-1' });
    assert.deepEqual(offers, []);
    assert.deepEqual(saved, []);
  });
});
