/**
 * npm run test:mutation [-- SCOPE ...] [--score] [--files] [--force | --static] [--concurrency N]
 * npm run test:mutation -- --named
 *
 * Mutation testing (StrykerJS, mocha runner) of the modules that decide what is deployed and
 * what is refused, one scope at a time (mutation/scopes.ts), each incremental: a rerun only
 * tests the mutants whose code or tests changed. Then prints each scope's score and the
 * score of all scopes together, from the reports. `--score` only prints; `--files` adds a
 * line per module; `--force` retests every mutant (after a change to how tests run, which
 * the incremental file cannot see: it keeps a static mutant's result while its tests change);
 * `--static` retests only the static mutants that survived, the results that staleness can
 * make wrong, at a fraction of `--force`'s cost.
 * `--named` makes the changes issue 18 named (mutation/named.ts), each in a copy of the
 * project, and reports whether the tests that must catch it do.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { NAMED_MUTANTS, type NamedMutant } from "../mutation/named";
import { add, readSummary, score, valid, type Tally } from "../mutation/report";
import { mutateGlobs, SCOPES, type MutationScope } from "../mutation/scopes";

const ROOT = path.resolve(__dirname, "..");
const TARGET = 85;

function main(): number {
    const { values, positionals } = parseArgs({
        args: process.argv.slice(2),
        options: { named: { type: "boolean" }, score: { type: "boolean" }, files: { type: "boolean" }, force: { type: "boolean" }, static: { type: "boolean" }, concurrency: { type: "string" } },
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
    if (values.named) {
        return runNamed();
    }
    const chosen = positionals.length > 0 ? SCOPES.filter((s) => positionals.includes(s.name)) : SCOPES;
    if (!values.score) {
        for (const scope of chosen) {
            if (values.static) {
                const dropped = forgetStaticSurvivors(incrementalFile(scope));
                console.log(`${scope.name}: ${dropped} static mutant(s) that survived will be tested again`);
            }
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

export function incrementalFile(scope: MutationScope): string {
    return path.join(ROOT, "reports", `stryker-incremental-${scope.name}.json`);
}

interface IncrementalReport {
    files: Record<string, { mutants: { static?: boolean; status: string }[] }>;
}

/**
 * Removes from an incremental report the static mutants that survived or had no coverage,
 * so the next run tests them as new; returns how many. Stryker reuses a static mutant's
 * result while the tests change, so a survivor there may be stale; a kill cannot be.
 */
export function forgetStaticSurvivors(file: string): number {
    if (!fs.existsSync(file)) return 0;
    const report = JSON.parse(fs.readFileSync(file, "utf8")) as IncrementalReport;
    const stale = (m: { static?: boolean; status: string }) => m.static === true && (m.status === "Survived" || m.status === "NoCoverage");
    let dropped = 0;
    for (const entry of Object.values(report.files)) {
        dropped += entry.mutants.filter(stale).length;
        entry.mutants = entry.mutants.filter((m) => !stale(m));
    }
    fs.writeFileSync(file, JSON.stringify(report));
    return dropped;
}

export function strykerConfig(scope: MutationScope, concurrency: number): Record<string, unknown> {
    return {
        testRunner: "mocha",
        mochaOptions: { spec: ["mutation/load-program.ts", ...scope.tests], require: ["ts-node/register/transpile-only"], extension: ["ts"] },
        mutate: mutateGlobs(scope),
        coverageAnalysis: "perTest",
        incremental: true,
        incrementalFile: path.relative(ROOT, incrementalFile(scope)),
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

/** The mutant's file with its one change made; an error when `from` does not occur exactly once. */
export function mutated(source: string, mutant: NamedMutant): string {
    const count = typeof mutant.from === "string" ? source.split(mutant.from).length - 1 : [...source.matchAll(new RegExp(mutant.from.source, "g"))].length;
    if (count !== 1) {
        throw new Error(`${mutant.file}: ${String(mutant.from)} occurs ${count} times, not once (${mutant.about})`);
    }
    return typeof mutant.from === "string" ? source.replace(mutant.from, () => mutant.to) : source.replace(mutant.from, mutant.to);
}

/** A copy of the working tree (tracked and new files) sharing node_modules, to change freely. */
function sandbox(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "named-mutants-"));
    const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
    for (const file of listed.stdout.split("\0").filter((f) => f && fs.existsSync(path.join(ROOT, f)))) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
    }
    for (const modules of ["node_modules", "policy/node_modules"]) {
        if (fs.existsSync(path.join(ROOT, modules))) fs.symlinkSync(path.join(ROOT, modules), path.join(dir, modules));
    }
    return dir;
}

function mochaIn(dir: string, tests: readonly string[]): number {
    const args = ["--no-config", "--require", "ts-node/register/transpile-only", "--extension", "ts", "--timeout", "60000", "--bail", "--reporter", "dot", ...tests];
    const run = spawnSync(path.join(ROOT, "node_modules", ".bin", "mocha"), args, { cwd: dir, encoding: "utf8" });
    if (run.status !== 0 && process.env.NAMED_VERBOSE) console.log(run.stdout.slice(-3000), run.stderr.slice(-2000));
    return run.status ?? 1;
}

function runNamed(): number {
    const dir = sandbox();
    try {
        const all = [...new Set(NAMED_MUTANTS.flatMap((m) => m.tests))];
        console.log(`unchanged copy: ${all.length} test files`);
        if (mochaIn(dir, all) !== 0) {
            // NAMED_VERBOSE=1 shows why.
            console.error("the tests fail on the unchanged copy: no mutant can be judged");
            return 1;
        }
        let survivors = 0;
        for (const mutant of NAMED_MUTANTS) {
            const file = path.join(dir, mutant.file);
            const original = fs.readFileSync(file, "utf8");
            fs.writeFileSync(file, mutated(original, mutant));
            const status = mochaIn(dir, mutant.tests);
            fs.writeFileSync(file, original);
            const killed = status !== 0;
            if (!killed) survivors++;
            console.log(`${killed ? "killed  " : "SURVIVED"}  ${mutant.about}  (${mutant.file}; ${mutant.tests.join(", ")})`);
        }
        console.log(`\n${NAMED_MUTANTS.length - survivors} of ${NAMED_MUTANTS.length} named mutants killed`);
        return survivors === 0 ? 0 : 1;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
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
