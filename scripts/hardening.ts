/**
 * npm run hardening [-- --stack prod --stack dev]
 *
 * The figures docs/hardening.md cites, from the checkers themselves: each stack rendered
 * (scripts/render.ts), then kube-score (built from the Go module proxy at the version
 * tools/kube-score pins, by scripts/build-go-tool.sh) and Checkov (installed from PyPI at
 * CHECKOV_VERSION into a virtualenv under ~/.cache) on the files. Prints the date, the
 * tools' versions and, per stack, the findings by check with their counts. Needs Go and
 * Python 3 with venv; minutes the first time, seconds after.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { render } from "./render";

const CHECKOV_VERSION = "3.3.30";
const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "ecommerce-platform");

function kubeScore(): { bin: string; version: string } {
    const dir = execFileSync("bash", [path.join(ROOT, "scripts", "build-go-tool.sh"), "kube-score"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    const version = /github\.com\/zegl\/kube-score (v\S+)/.exec(fs.readFileSync(path.join(ROOT, "tools", "kube-score", "go.mod"), "utf8"))?.[1] ?? "unknown";
    return { bin: path.join(dir, "kube-score"), version };
}

function checkov(): string {
    const venv = path.join(CACHE, `checkov-${CHECKOV_VERSION}`);
    const bin = path.join(venv, "bin", "checkov");
    if (!fs.existsSync(bin)) {
        console.error(`installing checkov ${CHECKOV_VERSION} into ${venv} (minutes)`);
        execFileSync("python3", ["-m", "venv", venv], { stdio: "inherit" });
        execFileSync(path.join(venv, "bin", "pip"), ["install", "-q", `checkov==${CHECKOV_VERSION}`], { stdio: "inherit" });
    }
    return bin;
}

/** Findings by "LEVEL title", from kube-score's `ci` output ("[LEVEL] name/ns kind: (container) title"). */
export function countKubeScore(output: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const line of output.split("\n")) {
        const m = /^\[(CRITICAL|WARNING)\] \S+ \S+: (?:\([^)]*\) )?(.+)$/.exec(line);
        if (!m) continue;
        const check = `${m[1]} ${m[2]!.trim()}`;
        counts.set(check, (counts.get(check) ?? 0) + 1);
    }
    return counts;
}

interface CheckovReport {
    summary: { passed: number; failed: number };
    results: { failed_checks: { check_id: string; check_name: string }[] };
}

/** Passed and failed totals, and the failures by check, from Checkov's JSON (one framework: an object). */
export function countCheckov(json: string): { passed: number; failed: number; byCheck: Map<string, number> } {
    const parsed = JSON.parse(json) as CheckovReport | CheckovReport[];
    const report = Array.isArray(parsed) ? parsed[0]! : parsed;
    const byCheck = new Map<string, number>();
    for (const c of report.results.failed_checks) {
        const check = `${c.check_id} ${c.check_name}`;
        byCheck.set(check, (byCheck.get(check) ?? 0) + 1);
    }
    return { passed: report.summary.passed, failed: report.summary.failed, byCheck };
}

function table(counts: Map<string, number>): string {
    return [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([what, n]) => `| ${what} | ${n} |`)
        .join("\n");
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const stacks = args.flatMap((a, i) => (args[i - 1] === "--stack" ? [a] : []));
    const ks = kubeScore();
    const ck = checkov();
    const ckVersion = execFileSync(ck, ["--version"], { encoding: "utf8" }).trim();
    console.log(`hardening checks, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores ${os.arch()}; kube-score ${ks.version}, checkov ${ckVersion}`);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "hardening-"));
    try {
        for (const stack of stacks.length > 0 ? stacks : ["prod", "dev"]) {
            const dir = path.join(work, stack);
            const files = (await render(stack, dir)).filter((f) => f.endsWith(".yaml"));
            const score = spawnSync(ks.bin, ["score", "--output-format", "ci", ...files], { encoding: "utf8", maxBuffer: 64 << 20 });
            const checked = spawnSync(ck, ["-d", dir, "--framework", "kubernetes", "-o", "json", "--quiet", "--compact"], { encoding: "utf8", maxBuffer: 64 << 20 });
            const c = countCheckov(checked.stdout);
            console.log(`\n## ${stack}: ${files.length} objects\n\nkube-score (findings by check):\n\n| level and check | count |\n|---|---|\n${table(countKubeScore(score.stdout))}`);
            console.log(`\nCheckov: ${c.passed} passed, ${c.failed} failed:\n\n| check | count |\n|---|---|\n${table(c.byCheck)}`);
        }
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

if (require.main === module) {
    main().catch((e: unknown) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    });
}
