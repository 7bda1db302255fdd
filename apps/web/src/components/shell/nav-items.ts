import {
  IconActivity,
  IconBinaryTree2,
  IconChartLine,
  IconCrown,
  IconListDetails,
  IconLock,
  IconServer2,
  IconUsers,
} from "@tabler/icons-react";

/** The console's pages, in the navigation's order. */
export const NAV_ITEMS = [
  { href: "/", label: "Cluster", icon: IconServer2 },
  { href: "/tree", label: "Tree", icon: IconBinaryTree2 },
  { href: "/sessions", label: "Sessions", icon: IconUsers },
  { href: "/locks", label: "Locks", icon: IconLock },
  { href: "/leaders", label: "Leaders", icon: IconCrown },
  { href: "/metrics", label: "Metrics", icon: IconChartLine },
  { href: "/events", label: "Events", icon: IconListDetails },
] as const;

export const BRAND_ICON = IconActivity;
