import { TreePage } from "../../../components/tree/tree-page";
import { pathFromSegments } from "../../../components/tree/tree-paths";

/** The URL path is the znode path: /tree/app/config opens /app/config. */
export default async function Page({ params }: { params: Promise<{ path?: string[] }> }) {
  const { path } = await params;
  return <TreePage initialPath={pathFromSegments(path)} />;
}
