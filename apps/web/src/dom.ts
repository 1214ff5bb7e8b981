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

/** Replaces an element's content. */
export function render(target: Element, ...children: Child[]): void {
  target.replaceChildren(...children.filter((child): child is Node | string => !!child));
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
