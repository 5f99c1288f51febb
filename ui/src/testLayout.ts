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
