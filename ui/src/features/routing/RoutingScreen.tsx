import { NotBuiltYet } from "../../components/NotBuiltYet";

export function RoutingScreen() {
  return (
    <NotBuiltYet what="Rank lead-owner strategies, map chat users to Salesforce users and write ownership segment rules." />
  );
}
