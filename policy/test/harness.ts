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
import { isUnknownValueError } from "../kube";

/** @pulumi/policy's own proxy, the one the analyzer wraps every resource in (internal to the package, so typed here). */
interface PolicyProxy {
    unknownCheckingProxy<T>(value: T): T;
    readonly unknownStringValue: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as PolicyProxy;

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
        await asEngine(policy.name, violations, () => validate(args, (message) => violations.push(message)));
    }
    return violations;
}

/**
 * Runs a validation as the analyzer does. A rule that touches an unknown value is not run
 * at all (the engine reports "can't run ... during preview" as advisory): recorded as a
 * violation here, so a test sees the rule checked nothing.
 */
async function asEngine(name: string, violations: string[], run: () => void | Promise<void>): Promise<void> {
    try {
        await run();
    } catch (error) {
        if (isUnknownValueError(error)) {
            violations.push(`can't run policy '${name}' during preview: ${error.message}`);
            return;
        }
        throw error;
    }
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
    await asEngine(policy.name, violations, () => policy.validateStack(args, (message) => violations.push(message)));
    return violations;
}

export type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy | (ResourceValidationPolicy & StackValidationPolicy);

/** What the engine hands a pack for one preview: each resource's inputs, and the stack's outputs. */
export interface PreviewOf {
    readonly inputs: readonly ResourceInput[];
    /** What stack rules see; the inputs themselves on a first deployment. */
    readonly outputs?: readonly ResourceInput[];
}

/** Every phase a rule has: resource validation on each input, stack validation on the outputs. */
export async function runPolicy(policy: AnyPolicy, preview: PreviewOf, config: object = {}): Promise<string[]> {
    const found: string[] = [];
    if ("validateResource" in policy && policy.validateResource) {
        for (const r of preview.inputs) {
            found.push(...(await runResourcePolicy(policy, r, config)));
        }
    }
    if ("validateStack" in policy) {
        found.push(...(await runStackPolicy(policy, preview.outputs ?? preview.inputs, config)));
    }
    return found;
}

/**
 * What a first preview shows a rule: every string the caller says is generated (a password
 * the engine creates during `up`) is not known yet, behind the analyzer's proxy.
 */
export function asFirstPreview(r: ResourceInput, generated: (value: string) => boolean): ResourceInput {
    const unknownGenerated = (value: unknown): unknown => {
        if (typeof value === "string") {
            return generated(value) ? proxy.unknownStringValue : value;
        }
        if (Array.isArray(value)) {
            return value.map(unknownGenerated);
        }
        if (typeof value === "object" && value !== null) {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unknownGenerated(v)]));
        }
        return value;
    };
    return { ...r, props: proxy.unknownCheckingProxy(unknownGenerated(r.props) as Record<string, unknown>) };
}

/**
 * What stack rules see of an object the API server has stored: its outputs, which carry the
 * fields the server defaults (kube-apiserver's SetDefaults_* for the kinds the stacks use)
 * whether or not the program set them. A rule that reads one of these as "the program set
 * it" passes a first preview and fails every preview after that.
 */
export function asDeployed(r: ResourceInput): ResourceInput {
    const props = structuredClone(r.props) as Record<string, unknown>;
    const spec = (props.spec ?? {}) as Record<string, unknown>;
    const kind = r.type.split(":").pop();
    const podDefaults = (template: Record<string, unknown> | undefined) => {
        const pod = (template?.spec ?? {}) as Record<string, unknown>;
        pod.restartPolicy ??= "Always";
        pod.dnsPolicy ??= "ClusterFirst";
        pod.schedulerName ??= "default-scheduler";
        pod.terminationGracePeriodSeconds ??= 30;
        for (const c of [...((pod.containers ?? []) as Record<string, unknown>[]), ...((pod.initContainers ?? []) as Record<string, unknown>[])]) {
            c.imagePullPolicy ??= "IfNotPresent";
            c.terminationMessagePath ??= "/dev/termination-log";
            c.terminationMessagePolicy ??= "File";
        }
    };
    if (kind === "Deployment" || kind === "StatefulSet") {
        spec.replicas ??= 1;
        spec.revisionHistoryLimit ??= 10;
        podDefaults(spec.template as Record<string, unknown>);
    }
    if (kind === "Deployment") {
        spec.progressDeadlineSeconds ??= 600;
        spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } };
    }
    if (kind === "CronJob") {
        spec.concurrencyPolicy ??= "Allow";
        spec.suspend ??= false;
        spec.successfulJobsHistoryLimit ??= 3;
        spec.failedJobsHistoryLimit ??= 1;
    }
    if (kind === "Service") {
        spec.type ??= "ClusterIP";
        spec.sessionAffinity ??= "None";
        spec.clusterIP ??= "10.96.0.10";
    }
    return { ...r, props: { ...props, ...(props.spec ? { spec } : {}) } };
}
