import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { databaseOwners } from "../../catalog";

/**
 * A generated password, secret from the start (not only through the provider's schema), that
 * a new `secretsRotation` value regenerates.
 */
export function generatedPassword(name: string, rotation: number, parent: pulumi.Resource, length = 32): pulumi.Output<string> {
    return pulumi.secret(new random.RandomPassword(name, { length, special: false, keepers: { rotation: String(rotation) } }, { parent }).result);
}

/** 32 random bytes, hex, secret: a key nobody types (for a keyed digest). */
export function generatedKey(name: string, parent: pulumi.Resource): pulumi.Output<string> {
    return pulumi.secret(new random.RandomBytes(name, { length: 32 }, { parent }).hex);
}

export interface DatabasePasswords {
    readonly superuser: pulumi.Output<string>;
    /** By business service name. */
    readonly services: Readonly<Record<string, pulumi.Output<string>>>;
}

/** The superuser's and each business service's database password. */
export function databasePasswords(prefix: string, rotation: number, parent: pulumi.Resource): DatabasePasswords {
    return {
        superuser: generatedPassword(`${prefix}-superuser`, rotation, parent),
        services: Object.fromEntries(databaseOwners().map((o) => [o.name, generatedPassword(`${prefix}-${o.name}`, rotation, parent)])),
    };
}
