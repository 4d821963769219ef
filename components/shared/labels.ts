/** The recommended `app.kubernetes.io/*` labels, so kubectl, dashboards and policies can select by them. */
import { parseImageRef } from "../../lib/image";

export const PART_OF = "ecommerce";

export interface LabelArgs {
    /** What the thing is, in the manual's words (`order-service`, `postgres`). */
    readonly name: string;
    /** Its role in the system (`business`, `platform`, `database`, ...). */
    readonly component: string;
    /** The stack, so two stacks' objects in one cluster stay apart. */
    readonly instance: string;
    readonly version?: string;
}

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** The `app.kubernetes.io/version` of an image: its tag, when it makes a valid label value (a digest does not). */
export function versionOf(image: string): string | undefined {
    const tag = parseImageRef(image)?.tag;
    return tag !== undefined && LABEL_VALUE.test(tag) ? tag : undefined;
}

/** Selector labels: stable for the life of a Deployment (selectors are immutable). */
export function selectorLabels(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": PART_OF };
}

export function standardLabels(args: LabelArgs): Record<string, string> {
    return {
        ...selectorLabels(args.name),
        "app.kubernetes.io/component": args.component,
        "app.kubernetes.io/instance": args.instance,
        "app.kubernetes.io/managed-by": "pulumi",
        ...(args.version ? { "app.kubernetes.io/version": args.version } : {}),
    };
}
