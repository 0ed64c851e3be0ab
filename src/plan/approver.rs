//! The InstallPlan approver of a Subscription with Manual approval: a Job
//! that approves exactly the InstallPlan naming the pinned CSV, so the
//! operator installs that CSV and never moves on by itself (issue 14; gotcha
//! 3; issue 16 item 6). Pattern: redhat-cop/gitops-catalog
//! `installplan-approver` (2023), narrowed from "every pending plan" to the
//! plan whose `spec.clusterServiceVersionNames` contains the CSV.
//!
//! It lives in the Subscription's namespace, Application and sync wave, so
//! the wave completes once the Job has approved the plan (a completed Job is
//! Healthy in ArgoCD) and the Subscription's CSV is installed.

use super::objects::{self as o, PlannedObject};

/// `oc` for the script: the OpenShift 4.20 CLI. RHOAI 3.0–3.5 all ship
/// their operator catalogs for OpenShift 4.20 (RHOAI-Build-Config
/// `catalog/v4.20/`), and `oc get`/`oc patch` of InstallPlans is stable
/// across the supported client skew. Pinned by tag so the Job does not
/// change under a fixed tree.
pub const APPROVER_IMAGE: &str = "registry.redhat.io/openshift4/ose-cli:v4.20";

/// The Job gives up after 30 minutes (Degraded in ArgoCD, visible) rather
/// than holding its wave forever.
const DEADLINE_SECONDS: u32 = 1800;
const BACKOFF_LIMIT: u32 = 3;

/// POSIX sh: approve the InstallPlan whose CSV list contains `$CSV`, and
/// only that one; succeed at once when it is already approved. Plans of
/// other CSVs (later upgrades on the channel) stay pending.
const SCRIPT: &str = r#"set -eu
echo "waiting for the InstallPlan of $CSV in $NAMESPACE"
while :; do
  for ip in $(oc get installplans -n "$NAMESPACE" -o jsonpath='{.items[*].metadata.name}'); do
    csvs=$(oc get installplan "$ip" -n "$NAMESPACE" -o jsonpath='{.spec.clusterServiceVersionNames[*]}')
    case " $csvs " in
      *" $CSV "*) ;;
      *) continue ;;
    esac
    if [ "$(oc get installplan "$ip" -n "$NAMESPACE" -o jsonpath='{.spec.approved}')" = "true" ]; then
      echo "InstallPlan $ip ($csvs) is approved"
      exit 0
    fi
    oc patch installplan "$ip" -n "$NAMESPACE" --type merge -p '{"spec":{"approved":true}}'
    echo "approved InstallPlan $ip ($csvs)"
    exit 0
  done
  sleep 10
done
"#;

/// ServiceAccount, Role, RoleBinding and Job approving `csv` in `namespace`.
/// The Job's name carries the CSV: pinning another CSV makes a new Job
/// (a Job's template cannot change) and prunes the old one.
pub fn objects(namespace: &str, package: &str, csv: &str) -> Vec<PlannedObject> {
    let sa = format!("{package}-installplan-approver");
    let sa = &sa[..sa.len().min(63)];
    let rule = |resources: &[&str], verbs: &[&str]| o::PolicyRule {
        api_groups: vec!["operators.coreos.com".to_string()],
        resources: resources.iter().map(|s| s.to_string()).collect(),
        resource_names: Vec::new(),
        verbs: verbs.iter().map(|s| s.to_string()).collect(),
    };
    vec![
        PlannedObject::namespaced(namespace, sa, o::ServiceAccount {}),
        PlannedObject::namespaced(
            namespace,
            sa,
            o::Role {
                rules: vec![
                    rule(&["installplans"], &["get", "list", "watch", "patch"]),
                    rule(&["subscriptions"], &["get"]),
                ],
            },
        ),
        PlannedObject::namespaced(
            namespace,
            sa,
            o::RoleBinding {
                role: sa.to_string(),
                subjects: vec![o::Subject::service_account(sa, namespace)],
            },
        ),
        PlannedObject::namespaced(
            namespace,
            &format!("approve-{}", super::components::sanitize(csv)),
            o::InstallPlanApprover {
                service_account: sa.to_string(),
                image: APPROVER_IMAGE.to_string(),
                csv: csv.to_string(),
                script: SCRIPT.to_string(),
                active_deadline_seconds: DEADLINE_SECONDS,
                backoff_limit: BACKOFF_LIMIT,
            },
        ),
    ]
}

/// ArgoCD health of `operators.coreos.com/Subscription`: Progressing until
/// OLM installed the CSV (`status.installedCSV` set and `status.state`
/// `AtLatestKnown`), so the instances of the next wave wait for the CRDs.
/// Like argo-cd's built-in check (v3.0+, `resource_customizations/
/// operators.coreos.com/Subscription/health.lua`) failed resolution or
/// install plans are Degraded; like its v3.5 fix (#25923), a Manual
/// subscription whose installed CSV has a newer one pending approval
/// (`UpgradePending`) is Healthy: the pin holds, nothing is wrong.
pub const SUBSCRIPTION_HEALTH_LUA: &str = r#"hs = {}
if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for OLM to resolve the subscription"
  return hs
end
if obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.status == "True" and (c.type == "CatalogSourcesUnhealthy" or c.type == "InstallPlanFailed" or c.type == "ResolutionFailed") then
      hs.status = "Degraded"
      hs.message = c.type .. ": " .. (c.message or "")
      return hs
    end
  end
end
local csv = obj.status.installedCSV
if csv == nil or csv == "" then
  hs.status = "Progressing"
  hs.message = "Waiting for " .. (obj.status.currentCSV or "the CSV") .. " to be installed"
  return hs
end
local manual = obj.spec ~= nil and obj.spec.installPlanApproval == "Manual"
if obj.status.state == "AtLatestKnown" or (manual and obj.status.state == "UpgradePending") then
  hs.status = "Healthy"
  hs.message = csv .. " installed"
  return hs
end
if obj.status.state == "UpgradeFailed" then
  hs.status = "Degraded"
  hs.message = "Upgrade from " .. csv .. " failed"
  return hs
end
hs.status = "Progressing"
hs.message = csv .. ": " .. (obj.status.state or "installing")
return hs
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_approver_approves_only_its_csv() {
        let objects = objects(
            "redhat-ods-operator",
            "rhods-operator",
            "rhods-operator.3.0.0",
        );
        let kinds: Vec<&str> = objects.iter().map(|o| o.kind).collect();
        assert_eq!(kinds, ["ServiceAccount", "Role", "RoleBinding", "Job"]);
        assert_eq!(objects[3].name, "approve-rhods-operator-3-0-0");
        let o::Context::InstallPlanApprover(job) = &objects[3].context else {
            panic!("a Job")
        };
        assert_eq!(job.csv, "rhods-operator.3.0.0");
        // Matches the CSV as a whole word of the plan's CSV list, never a
        // prefix (3.0.0 must not match 3.0.01), and approves one plan.
        assert!(job.script.contains(r#"*" $CSV "*) ;;"#));
        assert_eq!(job.script.matches("oc patch installplan").count(), 1);
        assert!(!job.script.contains("bash"));
        assert!(job.active_deadline_seconds > 0 && job.backoff_limit > 0);
    }
}
