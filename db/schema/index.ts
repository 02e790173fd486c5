export * from "./audit";
export * from "./customers";
export * from "./ingest";
export * from "./messages";
export * from "./taxonomy";
export * from "./teams";
export * from "./tickets";
export * from "./users";
