/** The sandbox in its own process for the benchmark, so client and server do not share one thread. */
import { startSandbox } from '../../src/sandbox/index';

startSandbox().then((sandbox) => {
  const [demo] = sandbox.profiles();
  process.send?.({ profile: demo.profile, secrets: { ...demo.secrets, ...sandbox.demoUser } });
  process.on('disconnect', () => void sandbox.close());
});
