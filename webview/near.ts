/**
 * Work that waits until after the frame a run is drawn in: the cards off screen then, and in a long run
 * what a card shows only when read (its lines, action buttons and open details).
 *
 * A job belongs to an element and runs once, whichever comes first: the element nears the viewport,
 * the job is asked for (`now`), or, for a job queued with `idle`, the panel has idle time. Idle jobs
 * run in the order they were queued, a few milliseconds at a time, so input is never held up. A job
 * whose element has left the page is dropped: whoever puts the element back queues it again.
 */

/** How far outside the viewport an element counts as near: about a screen each way. */
const MARGIN = '900px 0px';

interface Job {
  build: () => void;
  idle: boolean;
}

const jobs = new Map<Element, Job>();
let observer: IntersectionObserver | undefined;
let drainQueued = false;

/** Queues `build` for `element`, replacing a job it has not run yet. */
export function later(element: Element, build: () => void, options: { idle: boolean }): void {
  observer ??= new IntersectionObserver(near, { rootMargin: MARGIN });
  jobs.set(element, { build, idle: options.idle });
  observer.observe(element);
  queueDrain();
}

/** Runs `element`'s jobs at once, including one a job queues on it (a card's head, then its body). */
export function now(element: Element): void {
  for (let job = take(element); job; job = take(element)) job.build();
}

/** Drops `element`'s job: what it would build was built meanwhile. */
export function forget(element: Element): void {
  take(element);
}

function take(element: Element): Job | undefined {
  const job = jobs.get(element);
  if (!job) return undefined;
  jobs.delete(element);
  observer?.unobserve(element);
  return job;
}

function near(entries: IntersectionObserverEntry[]): void {
  for (const { isIntersecting, target } of entries) if (isIntersecting) take(target)?.build();
}

function queueDrain(): void {
  if (drainQueued) return;
  drainQueued = true;
  requestIdleCallback(drain);
}

/** Runs idle jobs while the idle period lasts, and always one, so the queue moves however busy the panel is. */
function drain(deadline: IdleDeadline): void {
  drainQueued = false;
  let ran = false;
  for (const [element, job] of jobs) {
    if (!element.isConnected) take(element);
    else if (job.idle && (!ran || deadline.timeRemaining() > 1)) {
      ran = true;
      take(element)?.build();
    }
  }
  if ([...jobs.values()].some((job) => job.idle)) queueDrain();
}
