/**
 * Work deferred until an element nears the viewport: what a long run's cards show only when read (all
 * but their heads: lines, action buttons, opened details) is built when the card is scrolled near, not
 * with the run.
 * One IntersectionObserver for the panel; each callback runs once, and must do nothing if what it
 * builds was built meanwhile (the card opened by hand).
 */

/** How far outside the viewport an element counts as near: about a screen each way. */
const MARGIN = '900px 0px';

const pending = new WeakMap<Element, () => void>();
let observer: IntersectionObserver | undefined;

function near(entries: IntersectionObserverEntry[]): void {
  for (const { isIntersecting, target } of entries) {
    if (!isIntersecting) continue;
    const build = pending.get(target);
    pending.delete(target);
    observer?.unobserve(target);
    build?.();
  }
}

/** Runs `build` once `element` is within about a screen of the viewport. */
export function whenNear(element: Element, build: () => void): void {
  observer ??= new IntersectionObserver(near, { rootMargin: MARGIN });
  pending.set(element, build);
  observer.observe(element);
}
