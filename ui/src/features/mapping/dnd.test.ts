import type { Active, ClientRect, Over, SensorContext } from "@dnd-kit/core";
import { chatId, fieldId, fieldStepper, idValue, mappingAnnouncements } from "./dnd";
import { defaultDocument } from "./testData";

const active = (path: string) => ({ id: chatId(path) }) as Active;
const over = (name: string) => ({ id: fieldId(name) }) as Over;

describe("announcements", () => {
  const labels: Record<string, string> = { Email: "Email", Lead_Score__c: "Lead Score", Title: "Title" };
  const a = mappingAnnouncements(
    "Lead",
    () => defaultDocument().objects.Lead,
    (n) => labels[n] ?? n,
  );

  it("say what is picked up, where it is and what the drop did", () => {
    expect(a.onDragStart({ active: active("email") })).toBe("Picked up chat field email.");
    expect(a.onDragOver({ active: active("email"), over: over("Title") })).toBe(
      "Chat field email is over Lead Title.",
    );
    expect(a.onDragOver({ active: active("email"), over: null })).toBe(
      "Chat field email is no longer over a Salesforce field.",
    );
    expect(a.onDragEnd({ active: active("domain"), over: over("Title") })).toBe(
      "Mapped domain to Lead Title.",
    );
    expect(a.onDragEnd({ active: active("email"), over: over("Email") })).toBe(
      "email was already mapped to Lead Email. Nothing changed.",
    );
    expect(a.onDragEnd({ active: active("intent"), over: over("Lead_Score__c") })).toBe(
      "Mapped intent to Lead Lead Score, replacing qualificationScore.",
    );
    expect(a.onDragEnd({ active: active("email"), over: null })).toBe(
      "Chat field email was dropped outside the Salesforce fields. Nothing changed.",
    );
    expect(a.onDragCancel({ active: active("email"), over: null })).toBe(
      "Dragging was cancelled. Chat field email was not mapped.",
    );
  });

  it("parse ids back", () => {
    expect(idValue(chatId("metadata.budget"), "chat")).toBe("metadata.budget");
    expect(idValue(fieldId("Email"), "chat")).toBeNull();
    expect(idValue(fieldId("Email"), "sf")).toBe("Email");
  });
});

describe("keyboard stepping", () => {
  const rect = (top: number): ClientRect => ({
    top,
    left: 500,
    width: 300,
    height: 40,
    bottom: top + 40,
    right: 800,
  });
  const rects = new Map([
    [fieldId("Email"), rect(100)],
    [fieldId("Phone"), rect(150)],
    [fieldId("Title"), rect(200)],
  ]);
  const step = fieldStepper(() => ["Email", "Phone", "Title"]);
  const press = (code: string, at: Over | null, collision = rect(400)) => {
    const event = new KeyboardEvent("keydown", { code, cancelable: true });
    const context = {
      collisionRect: { ...collision, left: 20 },
      droppableRects: rects,
      over: at,
    } as unknown as SensorContext;
    return step(event, { active: chatId("email"), currentCoordinates: { x: 20, y: 400 }, context });
  };

  it("moves the dragged field onto the next or previous Salesforce field", () => {
    // From nowhere, Down goes to the first field: centres line up.
    expect(press("ArrowDown", null)).toEqual({ x: 500, y: 100 });
    expect(press("ArrowUp", null)).toEqual({ x: 500, y: 200 });
    expect(press("ArrowDown", over("Email"), rect(100))).toEqual({ x: 500, y: 450 });
    // At the ends it stays on the last field.
    expect(press("ArrowDown", over("Title"), rect(200))).toEqual({ x: 500, y: 400 });
  });

  it("leaves other keys to dnd-kit", () => {
    expect(press("KeyA", null)).toBeUndefined();
  });
});
