import type { core } from "zod";

/**
 * Thrown, before any resource is declared, when stack config is wrong. The message names
 * every offending key as it is written in `Pulumi.<stack>.yaml` and what is allowed there.
 */
export class ConfigError extends Error {
    constructor(
        readonly problems: readonly string[],
        stack: string,
    ) {
        super(`Invalid configuration for stack "${stack}":\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

/** `ecommerce:services.order-service.resources.limits.memory`, `ecommerce:alertReceivers.L1.slack[0].url`: the path `pulumi config set --path` takes. */
export function configKey(project: string, path: readonly PropertyKey[]): string {
    return `${project}:${configPath(path)}`;
}

/** The same path without the project: `alertReceivers.L1.slack[0].url`. */
export function configPath(path: readonly PropertyKey[]): string {
    return path.map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`)).join("");
}

export function describeIssue(project: string, issue: core.$ZodIssue): string {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => `${configKey(project, [...issue.path, k])}: ${issue.message}`).join("\n  - ");
    }
    return `${configKey(project, issue.path)}: ${issue.message}`;
}
