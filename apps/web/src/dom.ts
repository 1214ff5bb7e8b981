/** A few helpers to build the pages' DOM; text always goes in as text, never as HTML. */
type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** Names what an element stands for (a catalogue item, an order), so that a refresh keeps it. */
export const KEY = 'data-key';

/**
 * Replaces an element's content with `children`, keeping in place every element that stands for
 * the same thing — the same `data-key`, or, without one, the same tag at the same place among the
 * unkeyed — and bringing its attributes and text up to date instead. The pages read the store
 * again after every action and on timers; were the elements replaced, a click whose press lands
 * on the old button and release on the new one would do nothing, and a field would lose its
 * typing and focus. A kept element keeps its own listeners: its key must name all they use.
 */
export function render(target: Element, ...children: Child[]): void {
  reconcile(
    target,
    children
      .filter((child): child is Node | string => !!child)
      .map((child) => (typeof child === 'string' ? document.createTextNode(child) : child)),
  );
}

function reconcile(parent: Node, next: Node[]): void {
  const keyed = new Map<string, Node>();
  const unkeyed: Node[] = [];
  for (const child of parent.childNodes) {
    const key = keyOf(child);
    if (key === undefined) unkeyed.push(child);
    else keyed.set(key, child);
  }
  const wanted = next.map((node) => {
    const key = keyOf(node);
    const old = key === undefined ? unkeyed.shift() : keyed.get(key);
    if (key !== undefined) keyed.delete(key);
    if (!old || old.nodeType !== node.nodeType || old.nodeName !== node.nodeName) return node;
    update(old, node);
    return old;
  });
  // Drop the old nodes first, then move only what is out of place: a kept node is never taken
  // out of the page (which would blur it) unless the order changed.
  const kept = new Set(wanted);
  for (const child of [...parent.childNodes]) if (!kept.has(child)) child.remove();
  let cursor = parent.firstChild;
  for (const node of wanted) {
    if (node === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(node, cursor);
  }
}

/**
 * The page's own state on a kept element, not the render's: a button stays disabled while its
 * action runs, whatever refresh lands meanwhile (the action enables it again when it ends). A
 * render never clears it: what is rendered disabled must not share a key with what is not.
 */
const PAGE_STATE = new Set(['disabled']);

/** Makes `old` look like `next`: attributes (not a field's typed value), text, children. */
function update(old: Node, next: Node): void {
  if (!(old instanceof Element && next instanceof Element)) {
    if (old.nodeValue !== next.nodeValue) old.nodeValue = next.nodeValue;
    return;
  }
  for (const name of old.getAttributeNames())
    if (!next.hasAttribute(name) && !PAGE_STATE.has(name)) old.removeAttribute(name);
  for (const name of next.getAttributeNames()) {
    const value = next.getAttribute(name) as string;
    if (old.getAttribute(name) !== value) old.setAttribute(name, value);
  }
  reconcile(old, [...next.childNodes]);
}

function keyOf(node: Node): string | undefined {
  return node instanceof Element ? (node.getAttribute(KEY) ?? undefined) : undefined;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

/** A value the API could not give (a service down: the field is null) is shown as such. */
export function orUnavailable(value: string | null | undefined): Node | string {
  return value === null || value === undefined ? h('span', { class: 'unavailable' }, 'unavailable') : value;
}

export function formatDate(iso: string | null): Node | string {
  return iso === null ? orUnavailable(null) : new Date(iso).toLocaleString();
}
