/** The recommended `app.kubernetes.io/*` labels, so kubectl, dashboards and policies can select by them. */

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
