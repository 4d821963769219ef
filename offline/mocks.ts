/**
 * The one set of Pulumi mocks: records every resource the program registers, with its
 * inputs, and echoes inputs back as state so outputs resolve as they would after `up`.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly provider?: string;
}

export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        return { id: `${args.name}-id`, state: { ...args.inputs } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return { ...args.inputs };
    }
}
