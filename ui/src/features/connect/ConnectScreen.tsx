import { NotBuiltYet } from "../../components/NotBuiltYet";

export function ConnectScreen() {
  return (
    <NotBuiltYet what="Connect a Salesforce org (OAuth login through your External Client App, or the built-in demo org), manage saved org profiles and see API usage." />
  );
}
