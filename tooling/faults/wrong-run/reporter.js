// Writes what every test of the run did, by project (one per wrong attempt), to WRONG_REPORT as JSON.
import { writeFileSync } from "node:fs";

/**
 * @typedef {{ message?: string, stack?: string }} ErrorLike
 * @typedef {{ fullName: string, project: { name: string }, result(): { state: string, errors?: readonly ErrorLike[] } }} TestCaseLike
 * @typedef {{ moduleId: string, project: { name: string }, errors(): readonly ErrorLike[], children: { allTests(): Iterable<TestCaseLike> } }} TestModuleLike
 */

/** @param {ErrorLike} e */
const text = (e) => e.message ?? e.stack ?? JSON.stringify(e);

export default class WrongReporter {
  /**
   * @param {readonly TestModuleLike[]} modules
   * @param {readonly ErrorLike[]} unhandled
   */
  onTestRunEnd(modules, unhandled) {
    /** @type {Record<string, { tests: { fullName: string, state: string, messages: string[] }[], loadErrors: string[] }>} */
    const projects = {};
    for (const module of modules) {
      const entry = (projects[module.project.name] ??= { tests: [], loadErrors: [] });
      for (const e of module.errors()) entry.loadErrors.push(`${module.moduleId}: ${text(e)}`);
      for (const test of module.children.allTests()) {
        const r = test.result();
        entry.tests.push({ fullName: test.fullName, state: r.state, messages: (r.errors ?? []).map(text) });
      }
    }
    const out = process.env.WRONG_REPORT;
    if (out) writeFileSync(out, JSON.stringify({ projects, unhandled: unhandled.map(text) }));
  }
}
