// What a screen that has not landed yet shows: a plain statement, never fake data.
export function NotBuiltYet({ what }: { what: string }) {
  return (
    <div className="empty-state" data-testid="not-built">
      <h2>Not built yet</h2>
      <p>{what}</p>
      <p className="muted">This screen arrives in a later release of Leadbridge.</p>
    </div>
  );
}
