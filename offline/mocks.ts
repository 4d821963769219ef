/**
 * The one set of Pulumi mocks: records every resource the program registers, with its
 * inputs, and echoes inputs back as state so outputs resolve as they would after `up`.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly provider?: string;
    /** Resource options the engine would enforce, which Pulumi's Mocks API does not pass on. */
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** Input paths the engine keeps from the last deployment instead of diffing. */
    readonly ignoreChanges: readonly string[];
    /** Names of the resources it was declared to depend on (dependsOn and inputs). */
    readonly dependencies: readonly string[];
    /** The URN the engine gives it, and its parent's ("" for none). */
    readonly urn: string;
    readonly parent: string;
    /** URNs it answers to besides its own (its aliases, resolved as the engine resolves them). */
    readonly aliasUrns: readonly string[];
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent?(): string;
    getProtect?(): boolean;
    getRetainondelete?(): boolean;
    getIgnorechangesList?(): string[];
    getDependenciesList?(): string[];
    getAliasesList?(): AliasMessage[];
}

/** pulumirpc.Alias: an old URN, or a spec of what differed (empty fields: as now). */
interface AliasMessage {
    hasUrn(): boolean;
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

interface MonitorLike {
    registerResource(req: RegisterRequest, callback: unknown): unknown;
}

export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
export const RANDOM_BYTES = "random:index/randomBytes:RandomBytes";

/** The value the mocks give a RandomPassword of that name and inputs (keepers change it, as in the provider). */
export function mockPassword(name: string, inputs: Record<string, unknown> = {}): string {
    return `mock-password-${name}-${digestOf(inputs).slice(0, 8)}`;
}

/** The URN pulumi's MockMonitor gives a resource: its parent's last type only, not the chain. */
function mockMonitorUrn(project: string, stack: string, parentUrn: string, type: string, name: string): string {
    const parentType = parentUrn === "" ? "" : (parentUrn.split("::")[2] ?? "").split("$").pop();
    return `urn:pulumi:${stack}::${project}::${parentType ? `${parentType}$${type}` : type}::${name}`;
}

/** The URN the engine gives a resource: `urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`. */
export function urnOf(project: string, stack: string, parentUrn: string, type: string, name: string): string {
    const parentTypes = parentUrn === "" ? "" : (parentUrn.split("::")[2] ?? "");
    // The stack resource itself is no parent in the type chain.
    const chain = parentTypes === "" || parentTypes === "pulumi:pulumi:Stack" ? type : `${parentTypes}$${type}`;
    return `urn:pulumi:${stack}::${project}::${chain}::${name}`;
}

function digestOf(value: unknown): string {
    return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

type RegisteredOptions = Pick<RecordedResource, "urn" | "parent" | "aliasUrns" | "protect" | "retainOnDelete" | "ignoreChanges" | "dependencies">;

interface Identity {
    readonly project: string;
    readonly stack: string;
    readonly parent: string;
    readonly type: string;
    readonly name: string;
}

/** The URN an alias names: its spec's fields where given, the resource's own where empty. */
function aliasUrn(alias: AliasMessage, self: Identity, engineUrns: ReadonlyMap<string, string>): string {
    const spec = alias.getSpec();
    if (alias.hasUrn() || !spec) {
        return alias.getUrn();
    }
    const parent = spec.getNoparent() ? "" : (engineUrns.get(spec.getParenturn()) ?? spec.getParenturn()) || self.parent;
    return urnOf(spec.getProject() || self.project, spec.getStack() || self.stack, parent, spec.getType() || self.type, spec.getName() || self.name);
}

export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    /** URNs registered twice: the engine would refuse the program (runProgram does). */
    readonly duplicateUrns: string[] = [];
    private readonly options = new Map<string, RegisteredOptions>();

    /**
     * Installs the mocks and taps the mock monitor for the options the Mocks API drops
     * (protect, retainOnDelete), so tests can check what `pulumi destroy` would refuse.
     */
    async install(project: string, stack: string): Promise<void> {
        await pulumi.runtime.setMocks(this, project, stack, false);
        const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
        const register = monitor.registerResource.bind(monitor);
        const urns = new Set<string>();
        const engineUrns = new Map<string, string>();
        monitor.registerResource = (req, callback) => {
            // The engine refuses two resources with one URN (type chain of the parents, type,
            // name): so must the mocks, or a second instance of a component passes here.
            // Recorded, not thrown: a throw here only surfaces as an unhandled rejection.
            // The mock monitor names a parent by its own type only (not the whole chain the
            // engine writes), so URNs are rebuilt here from each parent's engine URN.
            const mockParent = req.getParent?.() ?? "";
            const parent = engineUrns.get(mockParent) ?? mockParent;
            const urn = urnOf(project, stack, parent, req.getType(), req.getName());
            engineUrns.set(mockMonitorUrn(project, stack, mockParent, req.getType(), req.getName()), urn);
            if (urns.has(urn)) {
                this.duplicateUrns.push(urn);
            }
            urns.add(urn);
            this.options.set(`${req.getType()}::${req.getName()}`, {
                urn,
                parent,
                aliasUrns: (req.getAliasesList?.() ?? []).map((alias) => aliasUrn(alias, { project, stack, parent, type: req.getType(), name: req.getName() }, engineUrns)),
                protect: req.getProtect?.() ?? false,
                retainOnDelete: req.getRetainondelete?.() ?? false,
                ignoreChanges: req.getIgnorechangesList?.() ?? [],
                // URNs end in ::<name>.
                dependencies: (req.getDependenciesList?.() ?? []).map((urn) => urn.split("::").pop() ?? urn),
            });
            return register(req, callback);
        };
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        const options = this.options.get(`${args.type}::${args.name}`) ?? {
            urn: "",
            parent: "",
            aliasUrns: [],
            protect: false,
            retainOnDelete: false,
            ignoreChanges: [],
            dependencies: [],
        };
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, ...options });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === RANDOM_PASSWORD) {
            // What the provider would generate; recognisable, so tests can look for leaks of it.
            state.result = mockPassword(args.name, args.inputs);
        }
        if (args.type === RANDOM_BYTES) {
            const bytes = Buffer.from(digestOf([args.name, args.inputs]), "hex").subarray(0, Number(args.inputs.length));
            state.hex = bytes.toString("hex");
            state.base64 = bytes.toString("base64");
        }
        if (args.type === "docker:index/remoteImage:RemoteImage") {
            state.imageId = `sha256:${digestOf(args.inputs)}`;
        }
        if (args.type === "docker:index/image:Image") {
            state.repoDigest = `${String(args.inputs.imageName).split(":")[0]}@sha256:${digestOf(args.inputs)}`;
        }
        return { id: `${args.name}-id`, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return { ...args.inputs };
    }
}
