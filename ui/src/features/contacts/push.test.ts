import { describe, expect, it } from "vitest";
import type { SyncProgress } from "../../bindings/SyncProgress";
import { progressText } from "./push";

const writing: SyncProgress = {
  stage: "writing",
  total: 4400,
  sent: 0,
  done: 0,
  succeeded: 0,
  failed: 0,
  skipped: 0,
  phase: 1,
  apiCalls: 3,
  summary: null,
  error: null,
};

describe("progressText", () => {
  it("counts the contacts and API calls of a REST push", () => {
    expect(progressText(writing, false)).toBe(
      "0 of 4,400 contacts done · 0 sent · 0 succeeded · 0 failed · 0 skipped — 3 API calls",
    );
  });

  it("says where the Bulk API 2.0 jobs stand", () => {
    const bulk = {
      stage: "processing",
      jobs: 1,
      jobsDone: 0,
      records: 4400,
      processed: 1200,
      failed: 0,
    } as const;
    expect(progressText({ ...writing, bulk }, false)).toMatch(
      /— Bulk API 2\.0: Salesforce is processing, 0 of 1 job done, 1,200 of 4,400 records processed$/,
    );
  });

  it("explains what cancelling does", () => {
    expect(progressText(writing, true)).toMatch(/^Cancelling: /);
  });
});
