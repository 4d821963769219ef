import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { databaseOwners } from "../../catalog";
import type { Child, Children } from "./naming";

/**
 * A generated password, secret from the start (not only through the provider's schema), that
 * a new `secretsRotation` value regenerates.
 */
export function generatedPassword(child: Child, rotation: number, length = 32): pulumi.Output<string> {
    return pulumi.secret(new random.RandomPassword(child.name, { length, special: false, keepers: { rotation: String(rotation) } }, child.opts).result);
}

/** 32 random bytes, hex, secret: a key nobody types (for a keyed digest). */
export function generatedKey(child: Child): pulumi.Output<string> {
    return pulumi.secret(new random.RandomBytes(child.name, { length: 32 }, child.opts).hex);
}

export interface DatabasePasswords {
    readonly superuser: pulumi.Output<string>;
    /** By business service name. */
    readonly services: Readonly<Record<string, pulumi.Output<string>>>;
}

/** The superuser's and each business service's database password. */
export function databasePasswords(prefix: string, rotation: number, owner: Children): DatabasePasswords {
    return {
        superuser: generatedPassword(owner.of(`${prefix}-superuser`), rotation),
        services: Object.fromEntries(databaseOwners().map((o) => [o.name, generatedPassword(owner.of(`${prefix}-${o.name}`), rotation)])),
    };
}
