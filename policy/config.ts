import type { PolicyConfigSchema } from "@pulumi/policy";

/**
 * A rule's config with its schema's defaults filled in. The CLI fills them too when it reads
 * a policy config file; a rule must not depend on that (no file, an older CLI).
 */
export function withDefaults<T extends object>(schema: PolicyConfigSchema, given: object): T {
    const defaults = Object.fromEntries(
        Object.entries(schema.properties)
            .filter(([, p]) => typeof p === "object" && p.default !== undefined)
            .map(([k, p]) => [k, (p as { default: unknown }).default]),
    );
    return { ...defaults, ...given } as T;
}
