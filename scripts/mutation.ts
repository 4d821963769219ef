/**
 * npm run test:mutation [-- SCOPE ...] [--score] [--files] [--force] [--concurrency N]
 *
 * Mutation testing (StrykerJS, mocha runner) of the modules that decide what is deployed and
 * what is refused, one scope at a time (mutation/scopes.ts), each incremental: a rerun only
 * tests the mutants whose code or tests changed. Then prints each scope's score and the
 * score of all scopes together, from the reports. `--score` only prints; `--files` adds a
 * line per module; `--force` retests every mutant (after a change to how tests run, which
 * the incremental file cannot see: it keeps a static mutant's result while its tests change).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { add, readSummary, score, valid, type Tally } from "../mutation/report";
import { mutateGlobs, SCOPES, type MutationScope } from "../mutation/scopes";

const ROOT = path.resolve(__dirname, "..");
const TARGET = 85;

function main(): number {
    const { values, positionals } = parseArgs({
        args: process.argv.slice(2),
        options: { score: { type: "boolean" }, files: { type: "boolean" }, force: { type: "boolean" }, concurrency: { type: "string" } },
        allowPositionals: true,
    });
    const unknown = positionals.filter((name) => !SCOPES.some((s) => s.name === name));
    if (unknown.length > 0) {
        throw new Error(`unknown scope ${unknown.join(", ")}; scopes: ${SCOPES.map((s) => s.name).join(", ")}`);
    }
    const concurrency = Number(values.concurrency ?? os.availableParallelism());
    if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new Error("--concurrency must be a whole number of at least 1");
    }
    const chosen = positionals.length > 0 ? SCOPES.filter((s) => positionals.includes(s.name)) : SCOPES;
    if (!values.score) {
        for (const scope of chosen) {
            const status = runStryker(scope, concurrency, values.force === true);
            if (status !== 0) {
                console.error(`stryker failed on scope ${scope.name} (exit ${status})`);
                return status;
            }
        }
    }
    printScores(values.files === true);
    return 0;
}

export function reportFile(scope: MutationScope): string {
    return path.join(ROOT, "reports", "mutation", `${scope.name}.json`);
}

export function strykerConfig(scope: MutationScope, concurrency: number): Record<string, unknown> {
    return {
        testRunner: "mocha",
        mochaOptions: { spec: ["mutation/load-program.ts", ...scope.tests], require: ["ts-node/register/transpile-only"], extension: ["ts"] },
        mutate: mutateGlobs(scope),
        coverageAnalysis: "perTest",
        incremental: true,
        incrementalFile: `reports/stryker-incremental-${scope.name}.json`,
        concurrency,
        timeoutMS: 60000,
        reporters: ["clear-text", "progress-append-only", "json"],
        jsonReporter: { fileName: path.relative(ROOT, reportFile(scope)) },
        ignorePatterns: ["scratch", "reports", ".stryker-tmp", "rendered"],
        cleanTempDir: "always",
    };
}

function runStryker(scope: MutationScope, concurrency: number, force: boolean): number {
    const configFile = path.join(ROOT, "reports", "stryker", `${scope.name}.json`);
    fs.mkdirSync(path.dirname(configFile), { recursive: true });
    fs.writeFileSync(configFile, `${JSON.stringify(strykerConfig(scope, concurrency), null, 4)}\n`);
    console.log(`\n== ${scope.name}: ${scope.about}`);
    const run = spawnSync(path.join(ROOT, "node_modules", ".bin", "stryker"), ["run", configFile, ...(force ? ["--force"] : [])], { cwd: ROOT, stdio: "inherit" });
    return run.status ?? 1;
}

function printScores(perFile: boolean): void {
    let all: Tally = { killed: 0, survived: 0, noCoverage: 0, timeout: 0, invalid: 0 };
    const missing: string[] = [];
    console.log("\nscope                     score   killed survived no-cover timeout  report");
    for (const scope of SCOPES) {
        const summary = readSummary(reportFile(scope));
        if (!summary) {
            missing.push(scope.name);
            console.log(`${scope.name.padEnd(24)} (no report: npm run test:mutation -- ${scope.name})`);
            continue;
        }
        all = add(all, summary.total);
        console.log(line(scope.name, summary.total, fs.statSync(reportFile(scope)).mtime.toISOString().slice(0, 16)));
        if (perFile) {
            for (const [file, tally] of summary.files) {
                console.log(line(`  ${file}`, tally, ""));
            }
        }
    }
    console.log(line("all scopes", all, ""));
    const total = score(all);
    const verdict = total !== undefined && total >= TARGET && missing.length === 0 ? "meets" : "does not meet";
    console.log(`\nmutation score ${format(total)} over ${valid(all)} mutants: ${verdict} the ${TARGET}% target${missing.length > 0 ? ` (no report yet for ${missing.join(", ")})` : ""}`);
}

function line(name: string, t: Tally, when: string): string {
    const cells = [format(score(t)).padStart(7), String(t.killed).padStart(8), String(t.survived).padStart(8), String(t.noCoverage).padStart(8), String(t.timeout).padStart(7)];
    return `${name.padEnd(24)}${cells.join(" ")}  ${when}`;
}

function format(s: number | undefined): string {
    return s === undefined ? "-" : `${s.toFixed(2)}%`;
}

if (require.main === module) {
    try {
        process.exitCode = main();
    } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 2;
    }
}
