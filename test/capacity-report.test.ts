/** Issue 16: the pull request's capacity comment, before and after a change. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { capacityRange } from "../offline/capacity";
import { capacityReport, REPORT_MARKER, stackCapacities, type StackCapacities } from "../offline/capacity-report";
import { declare } from "./support";

const rowOf = (report: string, stack: string, at: string) => report.split("\n").find((l) => l.startsWith(`| ${stack} | ${at} |`))!;

describe("capacity in review", () => {
    let now: StackCapacities;
    beforeEach(async () => {
        now = await stackCapacities();
    });

    it("covers every Kubernetes stack, with what the declared objects request", async () => {
        assert.deepEqual(Object.keys(now).sort(), ["dev", "node", "prod"]);
        const prod = capacityRange((await declare({ stack: "prod" })).objects);
        assert.deepEqual(now.prod, prod);
        // The manual's prod: 8 autoscaled services at 2 → 10 replicas of 500m; more at max than at min.
        assert.ok(now.prod!.max.cpu - now.prod!.min.cpu >= 8 * 8 * 0.5, JSON.stringify(now.prod));
    });

    it("says there is no change when nothing moved, and starts with its marker", () => {
        const report = capacityReport(JSON.parse(JSON.stringify(now)) as StackCapacities, now);
        assert.equal(report.split("\n")[0], REPORT_MARKER);
        assert.match(report, /No change to what any stack requests/);
        assert.doesNotMatch(report, /→/);
    });

    it("shows before → after and the difference where a stack's figures move", async () => {
        const raised = capacityRange((await declare({ stack: "prod", config: { autoscaling: { maxReplicas: 12 } } })).objects);
        const after = { ...now, prod: raised };
        const report = capacityReport(now, after);
        assert.match(report, /Changed: prod\./);
        // Eight autoscaled services, two more pods each at max, 500m each: +8 CPU.
        assert.match(rowOf(report, "prod", "max"), /42760m → 50760m \(\*\*\+8\*\*\)/);
        assert.match(rowOf(report, "prod", "max"), /90 → 106 \(\*\*\+16\*\*\)/);
        assert.doesNotMatch(rowOf(report, "prod", "min"), /→/);
        assert.doesNotMatch(rowOf(report, "dev", "max"), /→/);
    });

    it("still reports the change's figures when the base branch could not compute any", () => {
        const report = capacityReport(undefined, now);
        assert.match(report, /base branch cannot compute this/);
        assert.ok(rowOf(report, "dev", "min").includes(`| ${now.dev!.min.pods} |`));
    });

    it("is the computation npm run bench prints, not a second one", () => {
        for (const file of ["scripts/bench.ts", "offline/capacity-report.ts"]) {
            const text = fs.readFileSync(path.join(__dirname, "..", file), "utf8");
            assert.match(text, /import \{[^}]*capacityRange[^}]*\} from "(\.\.\/offline|\.)\/capacity"/, file);
        }
    });
});
