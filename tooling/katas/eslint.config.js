import { config } from "@tcp-katas/eslint-config";

export default config(import.meta.dirname);
