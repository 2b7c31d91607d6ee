/** Attributes of `h`: strings and numbers become attributes, `on*` functions listeners, false/null/undefined are left out. */
export type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;
/** What `h` accepts as children. */
export type Child = Node | string | number | null | undefined | false | Child[];

/**
 * Creates an HTML element. Text children are text nodes (never parsed as HTML), so data from
 * the server cannot inject markup.
 * @example h('button', { class: 'primary', onclick: () => approve() }, 'Approve')
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, attributes);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an SVG element.
 * @example s('rect', { x: 0, y: 0, width: 10, height: 10, rx: 4 })
 */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  apply(element, attributes);
  append(element, children);
  return element;
}

/** Appends children (flattening arrays, skipping empty ones). */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/**
 * Makes a non-button element act like one for the keyboard: focusable, Enter and Space
 * activate it (a real `<button>` does this itself; rows of a list cannot be buttons).
 * @example activatable(row, () => select(task.id), 'Open task t-1')
 */
export function activatable(element: HTMLElement | SVGElement, activate: () => void, label?: string): void {
  element.setAttribute('tabindex', '0');
  if (!element.hasAttribute('role')) element.setAttribute('role', 'button');
  if (label) element.setAttribute('aria-label', label);
  element.addEventListener('click', activate);
  element.addEventListener('keydown', (event) => {
    const key = (event as KeyboardEvent).key;
    if (key === 'Enter' || key === ' ') {
      event.preventDefault();
      activate();
    }
  });
}

function apply(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}
