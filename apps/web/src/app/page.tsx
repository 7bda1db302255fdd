import { ClusterOverview } from "../components/cluster/cluster-overview";
import { keelServerUrls } from "../env";

// Server URLs come from the environment at request time, not at build time.
export const dynamic = "force-dynamic";

export default function HomePage() {
  return (
    <>
      <h1>Ensemble</h1>
      <p className="muted">Members of the Keel ensemble, their roles and how far each has applied the log.</p>
      <ClusterOverview serverUrls={keelServerUrls()} />
    </>
  );
}
