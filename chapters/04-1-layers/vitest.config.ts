import { kataConfig } from "@tcp-katas/vitest-config";

export default kataConfig(import.meta.dirname);
