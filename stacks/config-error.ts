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

/** `ecommerce:services.order-service.resources.limits.memory`, the path `pulumi config set --path` takes. */
export function configKey(project: string, path: readonly PropertyKey[]): string {
    const [top, ...rest] = path.map(String);
    return [`${project}:${top ?? ""}`, ...rest].join(".");
}

export function describeIssue(project: string, issue: core.$ZodIssue): string {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => `${configKey(project, [...issue.path, k])}: ${issue.message}`).join("\n  - ");
    }
    return `${configKey(project, issue.path)}: ${issue.message}`;
}
