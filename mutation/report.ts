/**
 * Reads Stryker's JSON report (the mutation-testing-report-schema) and counts what its
 * mutants came to, per file and in all, with Stryker's own definition of the score:
 * detected (killed or timed out) over valid (detected, survived, not covered by any test).
 */
import * as fs from "fs";

export interface Tally {
    readonly killed: number;
    readonly survived: number;
    readonly noCoverage: number;
    readonly timeout: number;
    /** Mutants that do not compile or crash the runner: not counted in the score. */
    readonly invalid: number;
}

export interface ReportSummary {
    readonly total: Tally;
    readonly files: ReadonlyMap<string, Tally>;
}

interface StrykerReport {
    readonly files: Record<string, { readonly mutants: readonly { readonly status: string }[] }>;
}

const EMPTY: Tally = { killed: 0, survived: 0, noCoverage: 0, timeout: 0, invalid: 0 };

const FIELD: Record<string, keyof Tally | undefined> = {
    Killed: "killed",
    Survived: "survived",
    NoCoverage: "noCoverage",
    Timeout: "timeout",
    CompileError: "invalid",
    RuntimeError: "invalid",
    // Ignored and Pending mutants are not part of the score.
};

export function summarize(report: StrykerReport): ReportSummary {
    const files = new Map<string, Tally>();
    let total = EMPTY;
    for (const [file, { mutants }] of Object.entries(report.files)) {
        let tally = EMPTY;
        for (const { status } of mutants) {
            const field = FIELD[status];
            if (field !== undefined) {
                tally = { ...tally, [field]: tally[field] + 1 };
            }
        }
        files.set(file, tally);
        total = add(total, tally);
    }
    return { total, files };
}

export function readSummary(reportFile: string): ReportSummary | undefined {
    if (!fs.existsSync(reportFile)) {
        return undefined;
    }
    return summarize(JSON.parse(fs.readFileSync(reportFile, "utf8")) as StrykerReport);
}

export function add(a: Tally, b: Tally): Tally {
    return {
        killed: a.killed + b.killed,
        survived: a.survived + b.survived,
        noCoverage: a.noCoverage + b.noCoverage,
        timeout: a.timeout + b.timeout,
        invalid: a.invalid + b.invalid,
    };
}

export function valid(t: Tally): number {
    return t.killed + t.timeout + t.survived + t.noCoverage;
}

/** Percentage of valid mutants detected; undefined when there are none. */
export function score(t: Tally): number | undefined {
    const n = valid(t);
    return n === 0 ? undefined : (100 * (t.killed + t.timeout)) / n;
}
