import { NotBuiltYet } from "../../components/NotBuiltYet";

export function DeliveriesScreen() {
  return <NotBuiltYet what="Inspect every delivery and attempt, retry failures and export the log." />;
}
