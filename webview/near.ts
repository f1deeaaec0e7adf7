/**
 * Work that waits until after the frame a run is drawn in: the cards off screen then, and in a long run
 * what a card shows only when read (its lines, action buttons and open details).
 *
 * A job belongs to an element and runs once, whichever comes first: the element nears the viewport,
 * or, for a job queued with `idle`, the panel has idle time. Idle jobs
 * run in the order they were queued, a few milliseconds at a time, so input is never held up. A job
 * whose element has left the page is dropped: whoever puts the element back queues it again. While idle
 * jobs wait, the element given to `markBusy` (the panel) is aria-busy.
 */

/** How far outside the viewport an element counts as near: about a screen each way. */
const MARGIN = '900px 0px';

interface Job {
  build: () => void;
  idle: boolean;
}

const jobs = new Map<Element, Job>();
let idleJobs = 0;
let observer: IntersectionObserver | undefined;
let drainQueued = false;
let busy: Element | undefined;

/** Makes `element` aria-busy whenever idle jobs wait: assistive technology waits for the panel to settle. */
export function markBusy(element: Element): void {
  busy = element;
  showBusy();
}

function showBusy(): void {
  if (!busy) return;
  if (idleJobs > 0) busy.setAttribute('aria-busy', 'true');
  else busy.removeAttribute('aria-busy');
}

/** Queues `build` for `element`, replacing a job it has not run yet. */
export function later(element: Element, build: () => void, options: { idle: boolean }): void {
  observer ??= new IntersectionObserver(near, { rootMargin: MARGIN });
  take(element);
  jobs.set(element, { build, idle: options.idle });
  if (options.idle) idleJobs += 1;
  observer.observe(element);
  queueDrain();
  showBusy();
}

/** Drops `element`'s job: what it would build was built meanwhile. */
export function forget(element: Element): void {
  take(element);
  showBusy();
}

function take(element: Element): Job | undefined {
  const job = jobs.get(element);
  if (!job) return undefined;
  jobs.delete(element);
  if (job.idle) idleJobs -= 1;
  observer?.unobserve(element);
  return job;
}

function near(entries: IntersectionObserverEntry[]): void {
  for (const { isIntersecting, target } of entries) if (isIntersecting) take(target)?.build();
  showBusy();
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
  if (idleJobs > 0) queueDrain();
  showBusy();
}
