import { NotBuiltYet } from "../../components/NotBuiltYet";

export function ContactsScreen() {
  return (
    <NotBuiltYet what="Review captured contacts, preview what a push will do, and push one, some or all of them." />
  );
}
