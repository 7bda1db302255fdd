import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Keel console",
  description: "Live view of a Keel ensemble: members, tree, sessions, locks and leaders.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <span className="brand">Keel</span>
          <span className="tagline">cluster coordination console</span>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
