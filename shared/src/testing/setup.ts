// The kata preset's setup file (tooling/vitest): every test runs inside ./cleanup.ts's store, so the tests of a
// kata may run concurrently and each cleanup still goes to its own test.
import { aroundEach } from "vitest";

import { currentTest } from "./cleanup.ts";

aroundEach((runTest, context) => currentTest.run(context, runTest));
