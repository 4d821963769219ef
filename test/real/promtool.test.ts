/**
 * The generated Prometheus configuration, alert rules and every dashboard query, checked by
 * the real promtool (Debian's `prometheus` package). Skipped only where promtool is missing
 * and CI is not set; under CI a missing promtool fails the run.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { dashboardQueries, prometheusFiles } from "../observability-files";
import { declare } from "../support";
import { requireInstalled } from "./installed";

/** PROMTOOL names an upstream build (scripts/build-go-tool.sh promtool); otherwise the one on PATH. */
const PROMTOOL = process.env.PROMTOOL ?? "promtool";

function promtool(...args: string[]) {
    return spawnSync(PROMTOOL, args, { encoding: "utf8" });
}

const available = spawnSync(PROMTOOL, ["--version"]).status === 0;

for (const stack of ["dev", "prod"]) {
    describe(`${stack} stack: promtool`, function () {
        let dir: string;
        beforeEach(function () {
            requireInstalled(this, available, "promtool", "prometheus");
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "promtool-"));
        });
        afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

        it("accepts the scrape configuration with its rule file", async () => {
            const { config, rules } = prometheusFiles(await declare({ stack }));
            const rulesFile = path.join(dir, "alerts.yml");
            fs.writeFileSync(rulesFile, stringify(rules));
            // The same configuration, with the rule file where this test put it.
            const configFile = path.join(dir, "prometheus.yml");
            fs.writeFileSync(configFile, stringify({ ...config, rule_files: [rulesFile] }));
            let result = promtool("check", "config", configFile);
            if (result.status !== 0 && !process.env.PROMTOOL && /field kubernetes_sd_configs not found/.test(result.stdout + result.stderr)) {
                // Debian builds Prometheus without Kubernetes discovery. Check everything else
                // with file discovery in its place; the discovery blocks are checked structurally
                // in observability.test.ts, and fully where an upstream promtool is on PATH.
                console.log("      (this promtool lacks Kubernetes discovery: checked with file discovery in its place)");
                const targets = path.join(dir, "targets.json");
                fs.writeFileSync(targets, "[]");
                const swapped = {
                    ...config,
                    rule_files: [rulesFile],
                    scrape_configs: config.scrape_configs.map(({ kubernetes_sd_configs, ...job }) =>
                        kubernetes_sd_configs ? { ...job, file_sd_configs: [{ files: [targets] }] } : job,
                    ),
                };
                fs.writeFileSync(configFile, stringify(swapped));
                result = promtool("check", "config", configFile);
            }
            assert.equal(result.status, 0, result.stdout + result.stderr);
            assert.match(result.stdout, /SUCCESS/);
        });

        it("accepts the alert rules", async () => {
            const { rules } = prometheusFiles(await declare({ stack }));
            const file = path.join(dir, "alerts-only.yml");
            fs.writeFileSync(file, stringify(rules));
            const result = promtool("check", "rules", file);
            assert.equal(result.status, 0, result.stdout + result.stderr);
            const count = rules.groups.reduce((n, g) => n + g.rules.length, 0);
            assert.match(result.stdout, new RegExp(`SUCCESS: ${count} rules found`));
        });

        it("parses every dashboard query (checked as recording rules)", async () => {
            const queries = dashboardQueries(await declare({ stack }));
            assert.ok(queries.length >= 45);
            const file = path.join(dir, "dashboard-queries.yml");
            fs.writeFileSync(
                file,
                stringify({ groups: [{ name: "dashboard", rules: queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr })) }] }),
            );
            const result = promtool("check", "rules", file);
            assert.equal(result.status, 0, result.stdout + result.stderr);
            assert.match(result.stdout, new RegExp(`SUCCESS: ${queries.length} rules found`));
        });

        it("rejects a broken query, so the checks above can fail", () => {
            const file = path.join(dir, "broken.yml");
            fs.writeFileSync(file, stringify({ groups: [{ name: "broken", rules: [{ record: "x:y", expr: "rate(x[5m]" }] }] }));
            assert.notEqual(promtool("check", "rules", file).status, 0);
        });
    });
}

describe("upstream promtool pin", () => {
    it("builds the promtool of the Prometheus version the stacks deploy", async () => {
        const { OBSERVABILITY_DEFAULTS } = await import("../../stacks/defaults");
        const goMod = fs.readFileSync(path.resolve(__dirname, "..", "..", "tools", "promtool", "go.mod"), "utf8");
        const module = /github\.com\/prometheus\/prometheus v0\.(\d+)\.(\d+)/.exec(goMod)!;
        const image = /:v2\.(\d+)\.(\d+)$/.exec(OBSERVABILITY_DEFAULTS.metrics.prometheus.image)!;
        // Prometheus 2.X.Y is published as the Go module version v0.X.Y.
        assert.deepEqual([module[1], module[2]], [image[1], image[2]]);
    });
});
