import "@mantine/core/styles.css";
import "@mantine/charts/styles.css";
import "@mantine/notifications/styles.css";
import "./globals.css";
import { ColorSchemeScript, mantineHtmlProps } from "@mantine/core";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { ConsoleShell } from "../components/shell/console-shell";
import { keelServerUrls } from "../env";

export const metadata: Metadata = {
  title: "Keel console",
  description: "Live view of a Keel ensemble: members, tree, sessions, locks, leaders, metrics and events.",
};

// Server URLs come from the environment at request time, not at build time (`npm start` and the
// e2e setup choose the servers' ports after the build).
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" {...mantineHtmlProps}>
      <head>
        <ColorSchemeScript defaultColorScheme="auto" />
      </head>
      <body>
        <ConsoleShell serverUrls={keelServerUrls()}>{children}</ConsoleShell>
      </body>
    </html>
  );
}
