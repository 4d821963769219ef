/** The program's notices reach the caller of an offline run, once each, and never the test output. */
import { strict as assert } from "assert";
import { runProgram } from "../offline/run";

describe("the program's notices in an offline run", () => {
    it("are returned, each once, and nothing is printed", async () => {
        const printed: unknown[] = [];
        const saved = { log: console.log, warn: console.warn, error: console.error };
        console.log = console.warn = console.error = (...args: unknown[]) => void printed.push(args);
        let notices;
        try {
            ({ notices } = await runProgram({ stack: "prod" }));
        } finally {
            Object.assign(console, saved);
        }
        assert.deepEqual(printed, []);
        // prod has no off-site bucket and no alert receivers: the program says both.
        assert.ok(notices.some((n) => n.severity === "warning" && n.message.startsWith("ecommerce:postgres.backup.offsite: not set")), JSON.stringify(notices));
        assert.ok(notices.some((n) => n.severity === "info" && n.message.startsWith("Alertmanager:")), JSON.stringify(notices));
        const keys = notices.map((n) => `${n.severity} ${n.message}`);
        assert.equal(new Set(keys).size, keys.length, "a notice came twice");
        // The console is the test runner's again.
        assert.equal(console.warn, saved.warn);
    });
});
