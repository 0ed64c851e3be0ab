//! The serving matrix (issue 17): model size × GPU type × GPU count (and
//! parallelism) as one-model platforms, for the matrix test and the schema
//! tests.

use serde_json::Value;

/// One row: a model on one pool.
pub struct Case {
    pub parameters: &'static str,
    pub instance_type: &'static str,
    pub gpus: u32,
    /// YAML flow mapping of `parallelism`, if any.
    pub parallelism: Option<&'static str>,
    /// The cluster disables LeaderWorkerSet.
    pub no_lws: bool,
}

const fn case(parameters: &'static str, instance_type: &'static str, gpus: u32) -> Case {
    Case {
        parameters,
        instance_type,
        gpus,
        parallelism: None,
        no_lws: false,
    }
}

const fn split(
    parameters: &'static str,
    instance_type: &'static str,
    gpus: u32,
    parallelism: &'static str,
) -> Case {
    Case {
        parallelism: Some(parallelism),
        ..case(parameters, instance_type, gpus)
    }
}

pub const MATRIX: &[Case] = &[
    case("0.6B", "g4dn.2xlarge", 1),
    case("8B", "g4dn.2xlarge", 1),
    case("8B", "g4dn.12xlarge", 2),
    case("8B", "g6.8xlarge", 1),
    case("8B", "g6.xlarge", 1),
    case("32B", "g5.12xlarge", 1),
    case("32B", "g5.12xlarge", 2),
    case("32B", "g5.12xlarge", 4),
    case("32B", "g6e.xlarge", 1),
    case("32B", "g6e.12xlarge", 2),
    case("70B", "g5.48xlarge", 8),
    case("70B", "g6e.12xlarge", 4),
    case("70B", "p4d.24xlarge", 4),
    case("70B", "p4d.24xlarge", 8),
    case("70B", "g6.12xlarge", 8),
    split("70B", "g5.48xlarge", 8, "{tensor: 4, pipeline: 2}"),
    split("70B", "g6.12xlarge", 8, "{tensor: 4, pipeline: 2}"),
    split("8B", "g6.12xlarge", 2, "{data: 2}"),
    Case {
        no_lws: true,
        ..split("8B", "g6.12xlarge", 2, "{data: 2}")
    },
    split("70B", "g6e.12xlarge", 4, "{data: 3}"),
    split("8B", "g6.8xlarge", 1, "{tensor: 2}"),
    split("32B", "g5.48xlarge", 8, "{tensor: 4, pipeline: 2, data: 2}"),
    case("405B", "p5.48xlarge", 8),
    split("405B", "p5.48xlarge", 16, "{tensor: 8, pipeline: 2}"),
];

impl Case {
    pub fn label(&self) -> String {
        format!(
            "{} on {} × {}{}{}",
            self.parameters,
            self.gpus,
            self.instance_type,
            self.parallelism
                .map(|p| format!(" {p}"))
                .unwrap_or_default(),
            if self.no_lws { " (no LWS)" } else { "" }
        )
    }

    /// A one-cluster, one-model maas.yaml.
    pub fn yaml(&self) -> String {
        let operators = if self.no_lws {
            "      operators:\n        leaderWorkerSet: {enabled: false}\n"
        } else {
            ""
        };
        let parallelism = self
            .parallelism
            .map(|p| format!("      parallelism: {p}\n"))
            .unwrap_or_default();
        format!(
            "apiVersion: maas.opendatahub.io/v1alpha1
kind: MaaSPlatform
metadata:
  name: matrix
spec:
  gitops:
    repoURL: https://github.com/acme/matrix.git
  clusters:
    - name: lab
      baseDomain: apps.lab.example.com
      platform: {{type: aws, region: us-east-2, infrastructureID: lab-x1, amiID: ami-1}}
{operators}      machinePools:
        - name: gpu
          instanceType: {}
          zones: [us-east-2a]
          replicas: 2
  tiers:
    - name: free
      level: 1
      groups: [system:authenticated]
      limits:
        tokens: {{limit: 10000, window: 1h}}
  models:
    - name: model
      uri: hf://acme/model
      parameters: {}
      gpus: {}
      pool: gpu
      tiers: [free]
{parallelism}",
            self.instance_type, self.parameters, self.gpus
        )
    }

    pub fn load(&self) -> Result<maasc::Loaded, maasc::LoadError> {
        maasc::load_text(std::path::Path::new("matrix.yaml"), self.yaml(), None)
    }
}

/// Every LLMInferenceService a loaded platform generates.
pub fn inference_services(loaded: &maasc::Loaded) -> Vec<Value> {
    maasc::build_tree(loaded, None)
        .expect("renders")
        .iter()
        .filter(|f| f.path.ends_with(".yaml"))
        .map(|f| serde_saphyr::from_str::<Value>(&f.content).unwrap())
        .filter(|o| o["kind"] == "LLMInferenceService")
        .collect()
}
