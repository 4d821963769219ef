/**
 * npm run capacity [-- --json FILE] [-- --compare BEFORE.json] [-- --out FILE]
 *
 * What each Kubernetes stack requests (CPU, memory, pods) at minimum and maximum replicas.
 * `--json FILE` writes the figures for a later comparison; `--compare BEFORE.json` makes
 * the pull request comment comparing them with this tree (BEFORE.json may be missing or
 * empty when the base branch predates this script), written to `--out` (the program's own
 * log lines share stdout) or printed. With neither, a table of this tree.
 */
import * as fs from "fs";
import { parseArgs } from "../offline/args";
import { capacityReport, stackCapacities, type StackCapacities } from "../offline/capacity-report";

function readBefore(file: string): StackCapacities | undefined {
    if (!fs.existsSync(file)) {
        return undefined;
    }
    const text = fs.readFileSync(file, "utf8").trim();
    return text === "" ? undefined : (JSON.parse(text) as StackCapacities);
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2), ["json", "compare", "out"]);
    const now = await stackCapacities();
    if (args.json) {
        fs.writeFileSync(args.json, `${JSON.stringify(now, null, 2)}\n`);
    }
    if (args.compare || !args.json) {
        const report = `${capacityReport(args.compare ? readBefore(args.compare) : now, now)}\n`;
        if (args.out) {
            fs.writeFileSync(args.out, report);
        } else {
            process.stdout.write(report);
        }
    }
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
});
