/** The two DOM helpers every part of the page builds with. */

export const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;

type Child = Node | string | number | null | undefined | false;
export const h = (tag: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children)
    if (child !== null && child !== undefined && child !== false)
      element.append(child instanceof Node ? child : String(child));
  return element;
};
