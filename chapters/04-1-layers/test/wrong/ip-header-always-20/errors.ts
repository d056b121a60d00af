export * from "../../../solution/errors.ts";
