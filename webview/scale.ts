/**
 * The waterfall's time axis. A sign-on spends most of its wall time waiting for a person (typing a
 * password, approving a push), so on a linear axis a 60 ms request next to 20 s of think time is a
 * hairline. Idle stretches where no step runs are compressed to a fixed short width and reported, so
 * the requests keep a readable scale and the gap is still said, not hidden. Pure.
 */

/** A stretch with no request in flight longer than this is a person, not the network. */
export const IDLE_MS = 1000;
/** How wide a compressed gap is drawn, as a share of the time that is drawn to scale. */
const GAP_SHARE = 0.06;

export interface Span {
  /** ms from the start of the run. */
  offset: number;
  duration: number;
}

export interface Placed {
  /** Percent of the track. */
  left: number;
  width: number;
}

export interface Gap extends Placed {
  /** Real length of the idle stretch, ms. */
  ms: number;
  /** Index (in `spans`) of the first span that starts after the gap. */
  before: number;
}

export function placeSpans(spans: readonly Span[], end: number): { bars: Placed[]; gaps: Gap[] } {
  const order = spans.map((_, i) => i).sort((a, b) => spans[a].offset - spans[b].offset);
  const idle: { start: number; ms: number; before: number }[] = [];
  let busyUntil = 0;
  for (const i of order) {
    const { offset, duration } = spans[i];
    if (offset - busyUntil > IDLE_MS) idle.push({ start: busyUntil, ms: offset - busyUntil, before: i });
    busyUntil = Math.max(busyUntil, offset + duration);
  }
  const last = Math.max(end, busyUntil, 1);
  const toScale = last - idle.reduce((sum, g) => sum + g.ms, 0);
  const gapWidth = Math.max(toScale * GAP_SHARE, 1);
  const drawn = toScale + idle.length * gapWidth;

  /** Time → position on the drawn axis: real time outside gaps, squeezed proportionally inside one. */
  const at = (t: number): number => {
    let shift = 0;
    for (const gap of idle) {
      if (t >= gap.start + gap.ms) shift += gap.ms - gapWidth;
      else if (t > gap.start) shift += (t - gap.start) * (1 - gapWidth / gap.ms);
    }
    return ((t - shift) / drawn) * 100;
  };
  const bars = spans.map(({ offset, duration }) => {
    const left = at(offset);
    return { left, width: at(offset + duration) - left };
  });
  const gaps = idle.map(({ start, ms, before }) => ({ ms, before, left: at(start), width: at(start + ms) - at(start) }));
  return { bars, gaps };
}
