/**
 * The e-commerce policy pack: the operations manual's rules and a Kubernetes baseline.
 * `pulumi preview --policy-pack policy --policy-pack-config policy/<stack>.json`.
 * This file only assembles the rules (constructing a PolicyPack starts its server, so the
 * tests import policy/rules instead).
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./rules";

new PolicyPack("ecommerce", {
    description: "The operations manual's rules (resources, probes, autoscaling, backups) and a Kubernetes security baseline.",
    enforcementLevel: "mandatory",
    policies: POLICIES,
});
