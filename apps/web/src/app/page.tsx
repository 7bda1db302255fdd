import { ClusterPage } from "../components/cluster/cluster-page";

export default function Page() {
  return <ClusterPage />;
}
