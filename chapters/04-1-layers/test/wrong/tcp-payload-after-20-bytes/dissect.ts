export * from "../../../solution/dissect.ts";
