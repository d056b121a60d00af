import { unitConfig } from "@tcp-katas/vitest-config";

export default unitConfig(import.meta.dirname);
