import { NotBuiltYet } from "../../components/NotBuiltYet";

export function SoqlScreen() {
  return (
    <NotBuiltYet what="Run read-only SOQL against the connected org and preview every query Leadbridge runs." />
  );
}
