import { render } from "@testing-library/react";
import { Facts } from "./Facts";

describe("Facts", () => {
  it("renders one div.fact with a dt and a dd per non-empty row, in order", () => {
    const { container } = render(
      <Facts
        rows={[
          ["Email", "ada@example.com"],
          ["Phone", null],
          ["Company", ""],
          ["Score", <strong key="s">4</strong>],
        ]}
        mono
      />,
    );
    expect(container.innerHTML).toBe(
      '<dl class="facts drawer-facts">' +
        '<div class="fact"><dt>Email</dt><dd class="mono">ada@example.com</dd></div>' +
        '<div class="fact"><dt>Score</dt><dd class="mono"><strong>4</strong></dd></div>' +
        "</dl>",
    );
  });

  it("leaves the value cell without a class unless mono, and says when nothing is recorded", () => {
    const { container, rerender } = render(<Facts rows={[["Intent", "pricing"]]} />);
    expect(container.querySelector("dd")?.outerHTML).toBe("<dd>pricing</dd>");
    rerender(<Facts rows={[["Closed by", undefined]]} emptyText="No chat agents recorded." />);
    expect(container.innerHTML).toBe('<p class="muted">No chat agents recorded.</p>');
    rerender(<Facts rows={[]} />);
    expect(container.textContent).toBe("Nothing recorded.");
  });
});
