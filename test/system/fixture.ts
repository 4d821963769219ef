/**
 * `npm run test:system`: the whole system on live pods, the manual's procedures run the
 * way an operator runs them (the real `pulumi` CLI, `kubectl`), each scenario asserting on
 * what the running system does. One stack for every scenario, in file order:
 *
 * - E2E_KUBE_CONTEXT names the cluster (KUBECONFIG's), as for `npm run test:e2e`;
 * - SYSTEM_STACK the stack whose images that cluster has (default `node`: scripts/node/up.sh,
 *   then scripts/node/images.sh load);
 * - SYSTEM_WORKSPACE a workspace an earlier run kept (SYSTEM_KEEP=1, or a failure), to run
 *   scenarios (`-- --grep`) against the system it left up, instead of starting from empty.
 *
 * Skipped without a cluster; never part of `npm test` or `.ci/run`. The figures each
 * scenario measures are printed together at the end.
 */
import { readiness } from "../../e2e/prerequisites";
import { LiveSystem } from "../../e2e/live";
import { Workspace } from "../../e2e/workspace";
import { projectName, stackConfig } from "../../offline/stack-config";
import { namespaceExists } from "../../e2e/cluster";

export interface SystemUnderTest {
    readonly ws: Workspace;
    readonly live: LiveSystem;
    readonly stack: string;
    /** Whether the stack was up before this run (SYSTEM_WORKSPACE): nothing started from empty. */
    readonly reused: boolean;
}

let current: SystemUnderTest | undefined;
let skipReason = "";
const figures: { scenario: string; name: string; value: string }[] = [];

/** The system the scenarios share; skips the calling test when there is none. */
export function system(ctx: Mocha.Context): SystemUnderTest {
    if (!current) {
        console.log(`    skipped: ${skipReason}`);
        ctx.skip();
    }
    return current!;
}

/** A measured figure, printed with the others when the run ends. */
export function figure(scenario: string, name: string, value: string): void {
    figures.push({ scenario, name, value });
    console.log(`      ${name}: ${value}`);
}

export const mochaHooks = {
    async beforeAll(this: Mocha.Context): Promise<void> {
        const ready = readiness();
        if (!ready.ready) {
            skipReason = ready.skip;
            return;
        }
        const stack = process.env.SYSTEM_STACK ?? "node";
        const reuse = process.env.SYSTEM_WORKSPACE;
        const ws = reuse ? Workspace.reopen(reuse, ready.target) : Workspace.create(ready.target);
        const namespace = stackConfig(stack, ws.dir)[`${projectName()}:namespace`];
        if (!namespace) throw new Error(`Pulumi.${stack}.yaml sets no namespace`);
        if (!reuse) {
            if (namespaceExists(ready.target, namespace)) {
                throw new Error(`namespace ${namespace} already exists in ${ready.target.context}: the system scenarios start from empty (SYSTEM_WORKSPACE reuses a kept run)`);
            }
            await ws.initStack(stack, { skipAwait: false, kubeContext: ready.target.context });
        }
        current = { ws, live: new LiveSystem(ready.target, namespace), stack, reused: Boolean(reuse) };
        console.log(`  system scenarios on stack ${stack}, namespace ${namespace}, context ${ready.target.context}; workspace ${ws.root}`);
    },
    async afterAll(this: Mocha.Context): Promise<void> {
        if (figures.length > 0) {
            console.log(`\n  figures (${new Date().toISOString().slice(0, 10)}):`);
            for (const f of figures) console.log(`    ${f.scenario.padEnd(14)} ${f.name}: ${f.value}`);
        }
        if (!current) return;
        const failed = this.test?.parent?.suites.some(function failedIn(s: Mocha.Suite): boolean {
            return s.tests.some((t) => t.state === "failed") || s.suites.some(failedIn);
        });
        if (failed || process.env.SYSTEM_KEEP || current.reused) {
            console.log(`  kept ${current.ws.root}: SYSTEM_WORKSPACE=${current.ws.root} runs scenarios against it; cli.log has every command`);
            return;
        }
        current.ws.dispose();
    },
};
