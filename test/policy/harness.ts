/**
 * Runs policy rules the way the analyzer does, in the shape of @pulumi/policy's own test
 * helpers (runResourcePolicy, runStackPolicy): the rule gets the argument bag the engine
 * builds and a reportViolation that collects messages.
 */
import type {
    PolicyConfigSchema,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { revealSecrets } from "../../offline/manifests";
import type { RecordedResource } from "../../offline/mocks";

export interface ResourceInput {
    readonly type: string;
    readonly props: Record<string, unknown>;
    readonly name?: string;
}

/** The engine hands rules config with the schema's defaults applied. */
function configFor(schema: PolicyConfigSchema | undefined, given: object): object {
    const defaults = Object.fromEntries(
        Object.entries(schema?.properties ?? {}).flatMap(([k, p]) => (typeof p === "object" && p.default !== undefined ? [[k, p.default]] : [])),
    );
    return { ...defaults, ...given };
}

const notApplicable = (reason?: string): never => {
    throw new Error(`not applicable: ${reason ?? ""}`);
};

function urnOf(r: ResourceInput): string {
    return `urn:pulumi:test::ecommerce::${r.type}::${r.name ?? "resource"}`;
}

export async function runResourcePolicy(policy: ResourceValidationPolicy, resource: ResourceInput, config: object = {}): Promise<string[]> {
    const violations: string[] = [];
    const args: ResourceValidationArgs = {
        type: resource.type,
        props: resource.props,
        urn: urnOf(resource),
        name: resource.name ?? "resource",
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => configFor(policy.configSchema, config) as T,
        notApplicable,
    };
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
    for (const validate of validations) {
        await validate(args, (message) => violations.push(message));
    }
    return violations;
}

export function toPolicyResource(r: ResourceInput): PolicyResource {
    return {
        type: r.type,
        props: r.props,
        urn: urnOf(r),
        name: r.name ?? "resource",
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    };
}

export async function runStackPolicy(policy: StackValidationPolicy, resources: readonly ResourceInput[], config: object = {}): Promise<string[]> {
    const violations: string[] = [];
    const args: StackValidationArgs = {
        resources: resources.map(toPolicyResource),
        stackTags: new Map(),
        getConfig: <T extends object>() => configFor(policy.configSchema, config) as T,
        notApplicable,
    };
    await policy.validateStack(args, (message) => violations.push(message));
    return violations;
}

/** What the analyzer sees of a recorded resource: its inputs, secrets unwrapped to plain values. */
export function asAnalyzed(r: RecordedResource): ResourceInput {
    return { type: r.type, name: r.name, props: revealSecrets(r.inputs) as Record<string, unknown> };
}
