/**
 * npm run bench [-- --runs N]
 *
 * For each stack: how many resources the program declares, the median time to evaluate the
 * whole program offline over N runs, and the CPU and memory its pods request at minimum and
 * maximum replicas.
 */
import { capacityRange, formatCapacity } from "../offline/capacity";
import { kubernetesObjects } from "../offline/manifests";
import { parseArgs } from "../offline/args";
import { runProgram } from "../offline/run";
import { stackNames } from "../offline/stack-config";
import { median } from "../lib/median";
import { formatMemory } from "../lib/quantity";

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2), ["runs"]);
    const runs = Number(args.runs ?? 7);
    if (!Number.isInteger(runs) || runs < 1) {
        throw new Error("--runs must be a whole number of at least 1");
    }
    // One warm-up run, so module loading is not counted as program evaluation.
    await runProgram({ stack: stackNames()[0]! });
    for (const stack of stackNames()) {
        const times: number[] = [];
        let result = await runProgram({ stack });
        for (let i = 0; i < runs; i++) {
            const start = process.hrtime.bigint();
            result = await runProgram({ stack });
            times.push(Number(process.hrtime.bigint() - start) / 1e6);
        }
        const objects = kubernetesObjects(result.resources);
        console.log(`stack ${stack}`);
        console.log(`  resources declared:      ${result.resources.length} (${objects.length} Kubernetes objects)`);
        console.log(`  evaluation, median of ${runs}: ${median(times).toFixed(1)} ms`);
        if (objects.length === 0) {
            // The docker target: what its containers may use, from their limits.
            const containers = result.resources.filter((r) => r.type === "docker:index/container:Container");
            const memoryMb = containers.reduce((t, c) => t + (typeof c.inputs.memory === "number" ? c.inputs.memory : 0), 0);
            console.log(`  containers: ${containers.length}, memory limits ${formatMemory(memoryMb * 2 ** 20)} in all`);
            continue;
        }
        const range = capacityRange(objects);
        console.log(`  requests at min replicas: ${formatCapacity(range.min)}`);
        console.log(`  requests at max replicas: ${formatCapacity(range.max)}`);
    }
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
});
