import type * as pulumi from "@pulumi/pulumi";

/** A child resource's Pulumi name, and the options that make it its component's child. */
export interface Child {
    readonly name: string;
    readonly opts: { readonly parent: pulumi.Resource; readonly aliases?: pulumi.Input<pulumi.Alias>[] };
}

/**
 * Names a component's children from the component's name, so that two instances of a
 * component never share a URN (a URN holds the parents' types, not their names):
 * `<component>-<role>`, or the role itself where it is the component's name or begins
 * with it (`postgres` > `postgres-credentials`).
 *
 * `former` is the name releases before this one gave the child (its role alone): the
 * alias lets the engine take the resource under that name for this one, so a stack
 * deployed earlier replaces nothing (test/urn-compat.test.ts holds those URNs).
 */
export class Children {
    constructor(
        readonly component: string,
        readonly parent: pulumi.Resource,
    ) {}

    private nameOf(role: string): string {
        return role === this.component || role.startsWith(`${this.component}-`) ? role : `${this.component}-${role}`;
    }

    of(role: string, former: string = role): Child {
        const name = this.nameOf(role);
        return { name, opts: name === former ? { parent: this.parent } : { parent: this.parent, aliases: [{ name: former }] } };
    }

    /** The component's main object (its Deployment, its Job): the component's own name. */
    main(former: string): Child {
        return this.of(this.component, former);
    }
}
