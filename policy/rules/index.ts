/** Every rule of the pack, in the order reviewers read them. */
import type { Policies } from "@pulumi/policy";
import { hpaForScalableServices } from "./autoscaling";
import { livenessIndependent } from "./liveness";
import { containerResources } from "./container-resources";
import { pdbForReplicated } from "./disruption-budgets";
import { imagePinned, imageRegistryAllowed } from "./images";
import { networkPolicyCoverage } from "./network-coverage";
import { postgresBackup } from "./postgres-backup";
import { noPrivilegedPods } from "./privileges";
import { restrictedPodSecurity } from "./restricted";
import { probesRequired } from "./probes";
import { noDefaultSecrets } from "./secrets";
import { serviceTypeRestricted } from "./service-types";
import { spreadReplicated } from "./spreading";

export const POLICIES: Policies = [
    containerResources,
    probesRequired,
    livenessIndependent,
    imagePinned,
    imageRegistryAllowed,
    noPrivilegedPods,
    restrictedPodSecurity,
    noDefaultSecrets,
    serviceTypeRestricted,
    hpaForScalableServices,
    pdbForReplicated,
    spreadReplicated,
    postgresBackup,
    networkPolicyCoverage,
];
