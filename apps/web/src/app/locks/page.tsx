import { LocksPage } from "../../components/locks/locks-page";

export default function Page() {
  return <LocksPage />;
}
