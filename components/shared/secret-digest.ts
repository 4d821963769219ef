import * as pulumi from "@pulumi/pulumi";
import { createHash, createHmac } from "crypto";

export const SECRET_DIGEST_ANNOTATION = "ecommerce.io/secret-digest";
export const RESTARTED_AT_ANNOTATION = "ecommerce.io/restartedAt";
/** A digest of the configuration files a pod reads: a change rolls it. */
export const CONFIG_DIGEST_ANNOTATION = "ecommerce.io/config-digest";

/**
 * A short digest of the secret values a pod consumes, for its template: when a value changes
 * (rotation), the template changes and the pods roll. A SHA-256 prefix of generated
 * passwords reveals nothing of them, so the digest itself is not kept secret.
 */
export function secretDigest(values: readonly pulumi.Input<string>[]): pulumi.Output<string> {
    return pulumi.unsecret(pulumi.all([...values]).apply(shortDigest));
}

/**
 * The same for values people chose (a mail password may be guessable): keyed with a
 * generated secret, so the digest on the pod template cannot be tested against guesses.
 */
export function keyedSecretDigest(key: pulumi.Input<string>, values: readonly pulumi.Input<string>[]): pulumi.Output<string> {
    return pulumi.unsecret(
        pulumi.all([key, ...values]).apply(([k, ...parts]) => createHmac("sha256", k).update(parts.join("\0")).digest("hex").slice(0, 16)),
    );
}

/** A short, stable digest of some text for a pod template: a change to any part changes it. */
export function shortDigest(parts: readonly string[]): string {
    return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
}
