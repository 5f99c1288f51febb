import { NotBuiltYet } from "../../components/NotBuiltYet";

export function MappingScreen() {
  return (
    <NotBuiltYet what="Map chat fields to Salesforce Lead, Contact and Account fields by drag and drop, with overwrite flags and validation against your org." />
  );
}
