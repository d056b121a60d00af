import { fileURLToPath } from "node:url";

/** The shared catalogue's folder, for the checks that read every locale file (tests, `kata dev check`). */
export const SHARED_LOCALES = fileURLToPath(new URL("./locales/", import.meta.url));
