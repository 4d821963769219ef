/**
 * The generated Alertmanager configuration, checked by the real amtool (Debian's
 * `prometheus-alertmanager` package): the file is accepted, and `amtool config routes test`
 * proves which receivers each severity reaches. Skipped only where amtool is missing and CI
 * is not set; under CI a missing amtool fails the run.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { ESCALATION, LEVELS, SEVERITIES, SLA, SUPPORT_LEVELS, type SupportLevel } from "../../catalog/observability";
import { alertmanagerFile } from "../observability-files";
import { declare } from "../support";
import { requireInstalled } from "./installed";

function amtool(...args: string[]) {
    return spawnSync("amtool", args, { encoding: "utf8" });
}

const available = spawnSync("amtool", ["--version"]).status === 0;

/** Every kind of receiver at some level, as a team would wire its pager. */
const WIRED = {
    smtp: { smarthost: "smtp.example.com:587", from: "alerts@example.com", username: "alerts", password: "secret" },
    L1: { email: ["devops@example.com"], slack: [{ url: "https://hooks.slack.com/services/T0/B0/x", channel: "#devops" }] },
    L2: { pagerduty: [{ routingKey: "0123456789abcdef0123456789abcdef" }], email: ["sre@example.com"] },
    L3: { webhook: [{ url: "https://chat.example.com/hooks/dev" }] },
};

const receiverOf = (level: SupportLevel) => `${level}-${SUPPORT_LEVELS[level].team.toLowerCase()}`;

for (const [title, options] of [
    ["dev stack", { stack: "dev" }],
    ["prod stack", { stack: "prod" }],
    ["prod stack with every kind of receiver", { stack: "prod", config: { alertReceivers: WIRED }, secrets: ["alertReceivers"] }],
] as const) {
    describe(`${title}: amtool`, function () {
        let file: string;
        let dir: string;
        beforeEach(async function () {
            requireInstalled(this, available, "amtool", "prometheus-alertmanager");
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "amtool-"));
            file = path.join(dir, "alertmanager.yml");
            fs.writeFileSync(file, stringify(alertmanagerFile(await declare(options))));
        });
        afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

        it("accepts the configuration", () => {
            const result = amtool("check-config", file);
            assert.equal(result.status, 0, result.stdout + result.stderr);
            assert.match(result.stdout, /SUCCESS/);
            assert.match(result.stdout, new RegExp(` - ${Object.keys(SUPPORT_LEVELS).length} receivers`));
        });

        for (const severity of SEVERITIES) {
            it(`routes ${severity} to ${ESCALATION[severity].join(", ")}, and only to them`, () => {
                const expected = ESCALATION[severity].map(receiverOf);
                const result = amtool("config", "routes", "test", `--config.file=${file}`, `--verify.receivers=${expected.join(",")}`, `severity=${severity}`, "service=order-service", "alertname=Any");
                assert.equal(result.status, 0, result.stdout + result.stderr);
                assert.equal(result.stdout.trim(), expected.join(","));
            });
        }

        it("pages every level for a system down, and lets monitoring (L1) see everything", () => {
            const reached = (severity: string) => amtool("config", "routes", "test", `--config.file=${file}`, `severity=${severity}`).stdout.trim().split(",");
            assert.deepEqual(reached("P0").sort(), LEVELS.map(receiverOf).sort());
            for (const severity of [...Object.keys(SLA), "none"]) {
                assert.ok(reached(severity).includes(receiverOf("L1")), severity);
            }
        });

        it("fails a wrong expectation, so the route tests above can fail", () => {
            const result = amtool("config", "routes", "test", `--config.file=${file}`, `--verify.receivers=${receiverOf("L3")}`, "severity=P3");
            assert.notEqual(result.status, 0);
        });
    });
}

describe("amtool itself", () => {
    it("rejects a broken configuration, so check-config above can fail", function () {
        if (!available) this.skip();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amtool-"));
        const file = path.join(dir, "broken.yml");
        fs.writeFileSync(file, stringify({ route: { receiver: "nobody" }, receivers: [{ name: "L1-devops" }] }));
        const result = amtool("check-config", file);
        fs.rmSync(dir, { recursive: true, force: true });
        assert.notEqual(result.status, 0);
    });
});
