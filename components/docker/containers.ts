/** One container on the stack's Docker network, the same way for services, tools and jobs. */
import * as docker from "@pulumi/docker";
import { dockerCpus, goDuration } from "./provider-values";
import * as pulumi from "@pulumi/pulumi";
import type { Children } from "../shared/naming";
import { parseCpu, parseMemory } from "../../lib/quantity";
import type { Resources } from "../../settings";

export interface ContainerDef {
    readonly name: string;
    readonly image: pulumi.Input<string>;
    /** Values may be secret Outputs (passwords): Pulumi keeps the whole list secret then. */
    readonly env?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Port inside the container, and the host port it is published on (localhost only). */
    readonly publish?: { readonly internal: number; readonly host: number };
    /** Other names it answers to on the network. */
    readonly aliases?: readonly string[];
    /** A shell test the engine runs inside the container (CMD-SHELL). */
    readonly healthcheck?: string;
    /** How long the process may take to start before health checks count. */
    readonly startSeconds?: number;
    readonly resources: Resources;
    readonly volumes?: readonly { readonly volume?: pulumi.Input<string>; readonly hostPath?: string; readonly path: string; readonly readOnly?: boolean }[];
    readonly files?: Readonly<Record<string, pulumi.Input<string>>>;
    readonly command?: readonly string[];
    readonly entrypoint?: readonly string[];
    readonly user?: string;
    /** Runs once to completion (provisioning), instead of staying up. */
    readonly oneShot?: boolean;
    /** Created only after these report healthy (or, for one-shot containers, finished). */
    readonly after?: readonly pulumi.Resource[];
    /** A new value replaces the container: the restart of manual 3.3. */
    readonly restartedAt?: string;
}

export interface ContainerContext {
    readonly network: pulumi.Input<string>;
    readonly stack: string;
    /** Seconds `pulumi up` waits for a container to report healthy. */
    readonly waitSeconds: number;
    /** The system's children, each container one, on the system's Docker provider. */
    readonly children: Children;
    readonly provider: pulumi.ProviderResource;
}

export function declareContainer(def: ContainerDef, ctx: ContainerContext): docker.Container {
    const memoryMb = Math.ceil((parseMemory(def.resources.limits.memory) ?? 0) / 2 ** 20);
    const cpus = parseCpu(def.resources.limits.cpu);
    const env = def.env ?? {};
    const child = ctx.children.of(def.name);
    return new docker.Container(
        child.name,
        {
            name: def.name,
            image: def.image,
            hostname: def.name,
            envs: pulumi.all(Object.entries(env).map(([k, v]) => pulumi.interpolate`${k}=${v}`)),
            networksAdvanced: [{ name: ctx.network, aliases: [def.name, ...(def.aliases ?? [])] }],
            ...(def.publish ? { ports: [{ internal: def.publish.internal, external: def.publish.host, ip: "127.0.0.1" }] } : {}),
            ...(def.healthcheck
                ? {
                      healthcheck: {
                          tests: ["CMD-SHELL", def.healthcheck],
                          interval: goDuration(10),
                          timeout: goDuration(5),
                          retries: 3,
                          startPeriod: goDuration(def.startSeconds ?? 120),
                      },
                  }
                : {}),
            memory: memoryMb,
            // No swap beyond the limit, as on Kubernetes (the engine would allow as much again).
            memorySwap: memoryMb,
            ...(cpus !== undefined ? { cpus: dockerCpus(cpus) } : {}),
            volumes: (def.volumes ?? []).map((v) => ({
                containerPath: v.path,
                ...(v.volume ? { volumeName: v.volume } : { hostPath: v.hostPath }),
                readOnly: v.readOnly ?? false,
            })),
            uploads: Object.entries(def.files ?? {}).map(([file, content]) => ({ file, content })),
            ...(def.command ? { command: [...def.command] } : {}),
            ...(def.entrypoint ? { entrypoints: [...def.entrypoint] } : {}),
            ...(def.user ? { user: def.user } : {}),
            labels: [
                { label: "app.kubernetes.io/name", value: def.name },
                { label: "app.kubernetes.io/part-of", value: "ecommerce" },
                { label: "app.kubernetes.io/instance", value: ctx.stack },
                ...(def.restartedAt ? [{ label: "ecommerce.io/restartedAt", value: def.restartedAt }] : []),
            ],
            ...(def.oneShot
                ? { restart: "no", mustRun: false, attach: true, logs: true }
                : { restart: "unless-stopped", wait: def.healthcheck !== undefined, waitTimeout: ctx.waitSeconds }),
        },
        { ...child.opts, provider: ctx.provider, dependsOn: [...(def.after ?? [])] },
    );
}
