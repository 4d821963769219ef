/**
 * The whole system for one stack: read and validate config, then compose the components.
 * Holds no Kubernetes detail; `index.ts` exports what this returns as stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { ApplicationTier } from "../components/application-tier";
import { Environment } from "../components/environment";
import type { ServiceName } from "../catalog";
import { loadSettings, type Settings } from "./settings";

export interface StackOutputs {
    readonly namespace: pulumi.Output<string>;
    /** External URL of the API Gateway, when the Ingress has a host. */
    readonly gatewayUrl?: pulumi.Output<string>;
    /** In-cluster URL of every service, by the manual's name. */
    readonly serviceUrls: pulumi.Output<Record<ServiceName, string>>;
}

/** The project's own config keys, without the `<project>:` prefix, as the engine passed them. */
export function projectConfig(project: string): Record<string, string> {
    const prefix = `${project}:`;
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = value;
        }
    }
    return raw;
}

export function currentSettings(): Settings {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    return loadSettings(projectConfig(project), project, stack);
}

export function defineStack(settings: Settings = currentSettings()): StackOutputs {
    const environment = new Environment(settings.stack, {
        namespace: settings.namespace,
        podSecurity: settings.podSecurity,
        kubeContext: settings.kubeContext,
    });
    const opts = { provider: environment.provider };
    const app = new ApplicationTier("application", { namespace: environment.namespace, settings }, opts);

    return {
        namespace: environment.namespace,
        gatewayUrl: app.gatewayUrl,
        serviceUrls: pulumi.all(
            Object.fromEntries(Object.entries(app.services).map(([name, svc]) => [name, svc.url])),
        ) as pulumi.Output<Record<ServiceName, string>>,
    };
}
