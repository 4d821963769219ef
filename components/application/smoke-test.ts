import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SERVICES, actuatorPath, serviceSpec, serviceUrl } from "../../catalog";
import { SMOKE_TEST } from "../network/traffic";
import { scriptJob, type ScriptJobPlacement } from "../shared/script-job";
import { Children } from "../shared/naming";

export interface SmokeCheck {
    readonly name: string;
    readonly url: string;
}

/**
 * Manual 9.1's "smoke tests básicos": every service's health endpoint directly, and each
 * business service's through the gateway (which routes /<service>/** without stripping it).
 */
export function smokeChecks(): SmokeCheck[] {
    const gateway = serviceUrl(serviceSpec("api-gateway"));
    const direct = SERVICES.map((s) => ({ name: s.name, url: `${serviceUrl(s)}${actuatorPath(s, "health")}` }));
    const routed = SERVICES.filter((s) => s.tier === "business").map((s) => ({
        name: `${s.name} via api-gateway`,
        url: `${gateway}${actuatorPath(s, "health")}`,
    }));
    return [...direct, ...routed];
}

/** The Job's script: each check retried for a minute; the first that stays down fails the Job with its name. */
export function smokeScript(checks: readonly SmokeCheck[]): string {
    const lines = checks.map((c) => `check "${c.name}" "${c.url}"`);
    return [
        "set -u",
        "check() {",
        '  for i in 1 2 3 4 5 6; do wget -q -T 5 -O /dev/null "$2" && echo "healthy: $1" && return 0; sleep 10; done',
        '  echo "UNHEALTHY: $1 ($2)" | tee /dev/termination-log >&2',
        "  exit 1",
        "}",
        ...lines,
        `echo "all ${checks.length} checks healthy"`,
    ].join("\n");
}

/** `after`: the Deployments it checks; `pulumi up` waits for them to be ready first. */
export interface SmokeTestArgs extends ScriptJobPlacement {
    /** What a new run is owed to: any change to it replaces the Job, which runs again. */
    readonly revision: string;
}

/** A Job that runs the smoke checks after every change; `pulumi up` fails when it fails. */
export class SmokeTest extends pulumi.ComponentResource {
    readonly job: k8s.batch.v1.Job;

    constructor(name: string, args: SmokeTestArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecommerce:k8s:SmokeTest", name, {}, opts);
        this.job = scriptJob(
            {
                ...args,
                name: SMOKE_TEST,
                component: "test",
                script: smokeScript(smokeChecks()),
                revision: [args.revision],
                backoffLimit: 0,
                deadlineSeconds: 900,
            },
            new Children(name, this),
        );
        this.registerOutputs({});
    }
}
