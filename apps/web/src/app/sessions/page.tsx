import { SessionsPage } from "../../components/sessions/sessions-page";

export default function Page() {
  return <SessionsPage />;
}
