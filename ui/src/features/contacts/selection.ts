/**
 * Which inbox rows are ticked. "All" means every contact matching the current filters (not
 * only the rows loaded so far), minus the ones unticked afterwards.
 */
export type Selection =
  | { all: false; emails: ReadonlySet<string> }
  | { all: true; except: ReadonlySet<string> };

export const NONE: Selection = { all: false, emails: new Set() };
export const ALL: Selection = { all: true, except: new Set() };

export function isSelected(s: Selection, emailKey: string): boolean {
  return s.all ? !s.except.has(emailKey) : s.emails.has(emailKey);
}

export function toggle(s: Selection, emailKey: string): Selection {
  const flip = (set: ReadonlySet<string>) => {
    const next = new Set(set);
    if (next.has(emailKey)) next.delete(emailKey);
    else next.add(emailKey);
    return next;
  };
  return s.all ? { all: true, except: flip(s.except) } : { all: false, emails: flip(s.emails) };
}

export function selectedCount(s: Selection, total: number): number {
  return s.all ? Math.max(0, total - s.except.size) : s.emails.size;
}
