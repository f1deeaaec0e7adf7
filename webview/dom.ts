/**
 * The only way the timeline builds DOM. Everything shown comes from the network (bodies, headers,
 * cookies are attacker-controlled), so text goes in through `textContent`/text nodes and never
 * through `innerHTML`; attributes are set one by one and event-handler attributes are refused.
 */

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  /** Attributes (aria-*, role, title, data-*…). `on*` names are refused. */
  attrs?: Record<string, string | undefined>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement;
export function h(tag: string, props?: Props | null, ...children: Child[]): HTMLElement {
  return build(document.createElement(tag), props, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The same for SVG elements (the sequence diagram), created in the SVG namespace. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): SVGElementTagNameMap[K] {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}

function build<E extends Element>(element: E, props: Props | null | undefined, children: Child[]): E {
  if (props?.class) element.setAttribute('class', props.class);
  for (const [name, value] of Object.entries(props?.attrs ?? {})) {
    if (value === undefined) continue;
    if (/^on/i.test(name)) throw new Error(`refusing event-handler attribute ${name}`);
    element.setAttribute(name, value);
  }
  for (const [type, listener] of Object.entries(props?.on ?? {})) {
    element.addEventListener(type, listener as EventListener);
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Unique element ids for aria-controls / aria-labelledby; never derived from data. */
let nextId = 0;
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * Makes `nodes` the children of `parent`, moving only those not already in place: nodes kept from the
 * last render keep their layout, focus and selection, and the browser restyles only what changed.
 */
export function syncChildren(parent: Node, nodes: readonly Node[]): void {
  // Stale nodes go first, so the kept ones are already in order and none is moved (moving re-lays it out).
  const wanted = new Set(nodes);
  for (const child of [...parent.childNodes]) if (!wanted.has(child)) child.remove();
  nodes.forEach((node, i) => {
    const current = parent.childNodes[i] ?? null;
    if (current !== node) parent.insertBefore(node, current);
  });
}
