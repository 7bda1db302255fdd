import { MetricsPage } from "../../components/metrics/metrics-page";

export default function Page() {
  return <MetricsPage />;
}
