// jsdom does no layout, so virtualised lists render no rows: tests give their scroll container a
// height (every other element stays 0 high) and get the real property back afterwards.
import { afterAll, beforeAll } from "vitest";

/** For the calling test file: elements with `className` are `height` pixels high. */
export function giveScrollHeight(className: string, height: number) {
  const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "clientHeight");
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, "clientHeight", {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains(className) ? height : 0;
      },
    });
  });
  afterAll(() => {
    if (clientHeight) Object.defineProperty(HTMLElement.prototype, "clientHeight", clientHeight);
  });
}

/**
 * An element's layout without its data: the tag and classes of it and every descendant, in
 * document order, leaving out text and the `.skeleton-line` loading placeholders. A screen part
 * whose loading and loaded shapes are equal has the same rows and sections in both, so nothing
 * below it moves when its data arrives.
 */
export function layoutShape(root: Element): string[] {
  return [root, ...root.querySelectorAll("*")]
    .filter((el) => !el.classList.contains("skeleton-line"))
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].sort().join(".")}`);
}
