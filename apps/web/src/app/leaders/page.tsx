import { LeadersPage } from "../../components/leaders/leaders-page";

export default function Page() {
  return <LeadersPage />;
}
