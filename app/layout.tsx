import type { Metadata } from "next";
import type { ReactNode } from "react";
import { ServiceBanner } from "@/components/layout/service-banner";
import { TRPCReactProvider } from "@/components/layout/trpc-provider";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Deskling", template: "%s · Deskling" },
  description: "Customer-service tickets, triaged by your own small language model.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <ServiceBanner />
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
