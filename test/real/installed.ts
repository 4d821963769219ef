/**
 * The real-tool tests' one rule for a missing tool: skipped with a line saying what to
 * install, except under CI, where .ci/run must have installed it and its absence fails.
 */
import type { Context } from "mocha";

export function requireInstalled(ctx: Context, installed: unknown, tool: string, debianPackage: string, why = ""): asserts installed {
    if (installed) {
        return;
    }
    if (process.env.CI) {
        throw new Error(`${tool} is not installed; .ci/run must apt-get install ${debianPackage}${why ? ` (${why})` : ""}`);
    }
    console.log(`    (${tool} not installed: apt-get install ${debianPackage} to run these)`);
    ctx.skip();
}
