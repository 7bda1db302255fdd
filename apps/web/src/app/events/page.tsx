import { EventsPage } from "../../components/events/events-page";

export default function Page() {
  return <EventsPage />;
}
