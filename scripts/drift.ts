/**
 * npm run drift -- --preview <file>
 *
 * Reads what `pulumi preview --refresh --json` printed (the scheduled drift workflow saves it)
 * and lists every object the cluster no longer holds as the program declares it, with the
 * properties that differ. Exits 1 when anything drifted, 0 when nothing did.
 */
import * as fs from "fs";
import { parseArgs } from "../offline/args";
import { driftLines, parsePreview } from "../lib/preview-steps";

function main(): void {
    const args = parseArgs(process.argv.slice(2), ["preview"]);
    if (!args.preview) {
        throw new Error("--preview <file> is required: the output of pulumi preview --refresh --json");
    }
    const lines = driftLines(parsePreview(fs.readFileSync(args.preview, "utf8")));
    if (lines.length === 0) {
        console.log("No drift: the live objects are as the program declares them.");
        return;
    }
    console.log(`Drift: ${lines.length} object(s) differ from what the program declares; the next pulumi up puts them back:`);
    for (const line of lines) {
        console.log(`- ${line}`);
    }
    process.exitCode = 1;
}

try {
    main();
} catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
}
