import {
  IconActivity,
  IconBinaryTree2,
  IconChartLine,
  IconCrown,
  IconListDetails,
  IconLock,
  IconServer2,
  IconShieldCheck,
  IconUserCog,
  IconUsers,
} from "@tabler/icons-react";
import type { Role } from "../../lib/roles";

/**
 * The console's pages, in the navigation's order. `least`: the role a page needs; the navigation
 * hides it from callers below it (the server refuses them anyway).
 */
export const NAV_ITEMS: readonly { href: string; label: string; icon: typeof IconActivity; least?: Role }[] = [
  { href: "/", label: "Cluster", icon: IconServer2 },
  { href: "/tree", label: "Tree", icon: IconBinaryTree2 },
  { href: "/sessions", label: "Sessions", icon: IconUsers },
  { href: "/locks", label: "Locks", icon: IconLock },
  { href: "/leaders", label: "Leaders", icon: IconCrown },
  { href: "/metrics", label: "Metrics", icon: IconChartLine },
  { href: "/events", label: "Events", icon: IconListDetails },
  { href: "/audit", label: "Audit", icon: IconShieldCheck, least: "operator" },
  { href: "/users", label: "Users & tokens", icon: IconUserCog, least: "admin" },
];

export const BRAND_ICON = IconActivity;
