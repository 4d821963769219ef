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

/** Config that may hold a credential: its values are never repeated in a message. */
const NEVER_SHOWN: readonly (readonly string[])[] = [["alertReceivers"], ["postgres", "backup", "offsite"]];

/**
 * The value at `path` as the stack file gives it (raw values are text, structured keys
 * JSON), when it is a short scalar that may be shown: undefined for a secret key, a
 * credential's place, an object or a list.
 */
export function writtenValue(raw: Readonly<Record<string, string>>, path: readonly PropertyKey[], secretKeys: readonly string[] = []): string | number | boolean | undefined {
    const top = String(path[0] ?? "");
    if (raw[top] === undefined || secretKeys.includes(top) || NEVER_SHOWN.some((prefix) => prefix.every((p, i) => String(path[i]) === p))) return undefined;
    let value: unknown = raw[top];
    if (path.length > 1) {
        try {
            value = JSON.parse(raw[top]!);
        } catch {
            return undefined;
        }
        for (const part of path.slice(1)) {
            value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[part as never] : undefined;
        }
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return undefined;
    return String(value).length <= 100 ? value : undefined;
}

/** The problem, with the value as written when the message does not already show it. */
export function describeIssue(project: string, issue: core.$ZodIssue, written?: string | number | boolean): string {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => `${configKey(project, [...issue.path, k])}: ${issue.message}`).join("\n  - ");
    }
    const key = configKey(project, issue.path);
    if (written === undefined) {
        return `${key}: ${issue.message}`;
    }
    const shown = JSON.stringify(written);
    if (issue.code === "invalid_value") {
        return `${key}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}; written: ${shown}`;
    }
    // Already in the message (quoted or not): not repeated.
    if (issue.message.includes(String(written))) {
        return `${key}: ${issue.message}`;
    }
    return `${key}: ${issue.message}; written: ${shown}`;
}
