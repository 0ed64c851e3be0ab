//! Cloud instance types maasc knows: their accelerator and its memory, so a
//! model's GPUs can be checked against one node of its pool.

use serde::Serialize;

/// An NVIDIA accelerator as it appears in node labels and autoscaler limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Accelerator {
    /// `nvidia.com/gpu.product` as GPU feature discovery reports it.
    pub product: &'static str,
    /// Short name used in labels and docs (`T4`, `A10G`, `L4`…).
    pub short: &'static str,
    pub memory_gib: u32,
}

pub const T4: Accelerator = Accelerator {
    product: "Tesla-T4",
    short: "T4",
    memory_gib: 16,
};
pub const A10G: Accelerator = Accelerator {
    product: "NVIDIA-A10G",
    short: "A10G",
    memory_gib: 24,
};
pub const L4: Accelerator = Accelerator {
    product: "NVIDIA-L4",
    short: "L4",
    memory_gib: 24,
};
pub const L40S: Accelerator = Accelerator {
    product: "NVIDIA-L40S",
    short: "L40S",
    memory_gib: 48,
};
pub const A100_40: Accelerator = Accelerator {
    product: "NVIDIA-A100-SXM4-40GB",
    short: "A100",
    memory_gib: 40,
};
pub const A100_80: Accelerator = Accelerator {
    product: "NVIDIA-A100-SXM4-80GB",
    short: "A100-80G",
    memory_gib: 80,
};
pub const H100: Accelerator = Accelerator {
    product: "NVIDIA-H100-80GB-HBM3",
    short: "H100",
    memory_gib: 80,
};
pub const H200: Accelerator = Accelerator {
    product: "NVIDIA-H200",
    short: "H200",
    memory_gib: 141,
};
pub const V100: Accelerator = Accelerator {
    product: "Tesla-V100-PCIE-16GB",
    short: "V100",
    memory_gib: 16,
};
pub const A10: Accelerator = Accelerator {
    product: "NVIDIA-A10",
    short: "A10",
    memory_gib: 24,
};

/// What one node of an instance type offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct InstanceSpec {
    pub gpus: u32,
    pub accelerator: Option<Accelerator>,
}

impl InstanceSpec {
    const CPU: InstanceSpec = InstanceSpec {
        gpus: 0,
        accelerator: None,
    };

    fn gpu(count: u32, accelerator: Accelerator) -> InstanceSpec {
        InstanceSpec {
            gpus: count,
            accelerator: Some(accelerator),
        }
    }

    pub fn is_gpu(&self) -> bool {
        self.gpus > 0
    }
}

/// AWS GPU families: accelerator and GPU count by size.
fn aws_gpu(family: &str, size: &str) -> Option<InstanceSpec> {
    let (accelerator, count) = match (family, size) {
        ("g4dn", "xlarge" | "2xlarge" | "4xlarge" | "8xlarge" | "16xlarge") => (T4, 1),
        ("g4dn", "12xlarge") => (T4, 4),
        ("g4dn", "metal") => (T4, 8),
        ("g5" | "g6" | "g6e", "xlarge" | "2xlarge" | "4xlarge" | "8xlarge" | "16xlarge") => {
            (aws_family_gpu(family), 1)
        }
        ("g5" | "g6" | "g6e", "12xlarge" | "24xlarge") => (aws_family_gpu(family), 4),
        ("g5" | "g6" | "g6e", "48xlarge") => (aws_family_gpu(family), 8),
        ("p3", "2xlarge") => (V100, 1),
        ("p3", "8xlarge") => (V100, 4),
        ("p3", "16xlarge") => (V100, 8),
        ("p4d", "24xlarge") => (A100_40, 8),
        ("p4de", "24xlarge") => (A100_80, 8),
        ("p5", "48xlarge") => (H100, 8),
        ("p5e" | "p5en", "48xlarge") => (H200, 8),
        _ => return None,
    };
    Some(InstanceSpec::gpu(count, accelerator))
}

fn aws_family_gpu(family: &str) -> Accelerator {
    match family {
        "g5" => A10G,
        "g6" => L4,
        _ => L40S,
    }
}

const AWS_CPU_FAMILIES: &[&str] = &[
    "m5", "m5a", "m5n", "m6a", "m6i", "m6in", "m7a", "m7i", "m7i-flex", "c5", "c5a", "c5n", "c6a",
    "c6i", "c7a", "c7i", "r5", "r5a", "r6a", "r6i", "r7a", "r7i", "t3", "t3a",
];
const AWS_CPU_SIZES: &[&str] = &[
    "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "9xlarge", "12xlarge",
    "16xlarge", "18xlarge", "24xlarge", "32xlarge", "48xlarge", "metal",
];

const AZURE: &[(&str, InstanceSpec)] = &[
    (
        "Standard_NC4as_T4_v3",
        InstanceSpec {
            gpus: 1,
            accelerator: Some(T4),
        },
    ),
    (
        "Standard_NC8as_T4_v3",
        InstanceSpec {
            gpus: 1,
            accelerator: Some(T4),
        },
    ),
    (
        "Standard_NC16as_T4_v3",
        InstanceSpec {
            gpus: 1,
            accelerator: Some(T4),
        },
    ),
    (
        "Standard_NC64as_T4_v3",
        InstanceSpec {
            gpus: 4,
            accelerator: Some(T4),
        },
    ),
    (
        "Standard_NV36ads_A10_v5",
        InstanceSpec {
            gpus: 1,
            accelerator: Some(A10),
        },
    ),
    (
        "Standard_NC24ads_A100_v4",
        InstanceSpec {
            gpus: 1,
            accelerator: Some(A100_80),
        },
    ),
    (
        "Standard_NC48ads_A100_v4",
        InstanceSpec {
            gpus: 2,
            accelerator: Some(A100_80),
        },
    ),
    (
        "Standard_NC96ads_A100_v4",
        InstanceSpec {
            gpus: 4,
            accelerator: Some(A100_80),
        },
    ),
    (
        "Standard_ND96isr_H100_v5",
        InstanceSpec {
            gpus: 8,
            accelerator: Some(H100),
        },
    ),
    ("Standard_D4s_v3", InstanceSpec::CPU),
    ("Standard_D8s_v3", InstanceSpec::CPU),
    ("Standard_D16s_v3", InstanceSpec::CPU),
    ("Standard_D4s_v5", InstanceSpec::CPU),
    ("Standard_D8s_v5", InstanceSpec::CPU),
    ("Standard_D16s_v5", InstanceSpec::CPU),
];

const GCP: &[(&str, InstanceSpec)] = &[
    (
        "g2-standard-4",
        InstanceSpec {
            gpus: 1,
            accelerator: Some(L4),
        },
    ),
    (
        "g2-standard-8",
        InstanceSpec {
            gpus: 1,
            accelerator: Some(L4),
        },
    ),
    (
        "g2-standard-16",
        InstanceSpec {
            gpus: 1,
            accelerator: Some(L4),
        },
    ),
    (
        "g2-standard-24",
        InstanceSpec {
            gpus: 2,
            accelerator: Some(L4),
        },
    ),
    (
        "g2-standard-48",
        InstanceSpec {
            gpus: 4,
            accelerator: Some(L4),
        },
    ),
    (
        "g2-standard-96",
        InstanceSpec {
            gpus: 8,
            accelerator: Some(L4),
        },
    ),
    (
        "a2-highgpu-1g",
        InstanceSpec {
            gpus: 1,
            accelerator: Some(A100_40),
        },
    ),
    (
        "a2-highgpu-2g",
        InstanceSpec {
            gpus: 2,
            accelerator: Some(A100_40),
        },
    ),
    (
        "a2-highgpu-4g",
        InstanceSpec {
            gpus: 4,
            accelerator: Some(A100_40),
        },
    ),
    (
        "a2-highgpu-8g",
        InstanceSpec {
            gpus: 8,
            accelerator: Some(A100_40),
        },
    ),
    (
        "a3-highgpu-8g",
        InstanceSpec {
            gpus: 8,
            accelerator: Some(H100),
        },
    ),
    ("n2-standard-4", InstanceSpec::CPU),
    ("n2-standard-8", InstanceSpec::CPU),
    ("n2-standard-16", InstanceSpec::CPU),
    ("n2-standard-32", InstanceSpec::CPU),
];

/// The CPU and memory of one node of an instance type: what a model's
/// resource requests are bounded by.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct NodeSize {
    pub vcpus: u32,
    pub memory_gib: u32,
}

const fn node(vcpus: u32, memory_gib: u32) -> Option<NodeSize> {
    Some(NodeSize { vcpus, memory_gib })
}

/// vCPUs of an AWS size (the same in every family that has the size).
/// Source: the AWS instance type pages (docs.aws.amazon.com/ec2/latest/instancetypes:
/// general purpose, compute and memory optimized, accelerated computing).
fn aws_size_vcpus(size: &str) -> Option<u32> {
    Some(match size {
        "medium" | "large" => 2,
        "xlarge" => 4,
        "2xlarge" => 8,
        "4xlarge" => 16,
        "8xlarge" => 32,
        "9xlarge" => 36,
        "12xlarge" => 48,
        "16xlarge" => 64,
        "18xlarge" => 72,
        "24xlarge" => 96,
        "32xlarge" => 128,
        "48xlarge" => 192,
        _ => return None,
    })
}

/// CPU and memory of one node of an AWS GPU instance type (AWS accelerated
/// computing instance pages: G4dn, G5, G6, G6e, P3, P4d/P4de, P5/P5e/P5en).
fn aws_gpu_node(family: &str, size: &str) -> Option<NodeSize> {
    match (family, size) {
        ("g4dn", "metal") => node(96, 384),
        ("g4dn" | "g5" | "g6", _) => {
            let v = aws_size_vcpus(size)?;
            node(v, v * 4)
        }
        ("g6e", _) => {
            let v = aws_size_vcpus(size)?;
            node(v, v * 8)
        }
        ("p3", "2xlarge") => node(8, 61),
        ("p3", "8xlarge") => node(32, 244),
        ("p3", "16xlarge") => node(64, 488),
        ("p4d" | "p4de", "24xlarge") => node(96, 1152),
        ("p5" | "p5e" | "p5en", "48xlarge") => node(192, 2048),
        _ => None,
    }
}

/// CPU and memory of one AWS CPU node: vCPUs by size, memory per vCPU by
/// family (m: 4 GiB, c: 2 GiB, r: 8 GiB, t3: 4 GiB except t3.medium, 2 × 2 GiB).
/// `metal` sizes differ per family and are not sized.
fn aws_cpu_node(family: &str, size: &str) -> Option<NodeSize> {
    let v = aws_size_vcpus(size)?;
    if family.starts_with('t') && size == "medium" {
        return node(2, 4);
    }
    let per_vcpu = match family.chars().next()? {
        'c' => 2,
        'r' => 8,
        _ => 4,
    };
    node(v, v * per_vcpu)
}

/// CPU and memory of Azure and GCP nodes (learn.microsoft.com NCasT4_v3,
/// NVadsA10_v5, NC_A100_v4, ND_H100_v5, Dsv3, Dsv5 pages; cloud.google.com
/// accelerator-optimized G2, A2, A3 and general-purpose N2 tables).
const OTHER_NODES: &[(&str, NodeSize)] = &[
    (
        "Standard_NC4as_T4_v3",
        NodeSize {
            vcpus: 4,
            memory_gib: 28,
        },
    ),
    (
        "Standard_NC8as_T4_v3",
        NodeSize {
            vcpus: 8,
            memory_gib: 56,
        },
    ),
    (
        "Standard_NC16as_T4_v3",
        NodeSize {
            vcpus: 16,
            memory_gib: 110,
        },
    ),
    (
        "Standard_NC64as_T4_v3",
        NodeSize {
            vcpus: 64,
            memory_gib: 440,
        },
    ),
    (
        "Standard_NV36ads_A10_v5",
        NodeSize {
            vcpus: 36,
            memory_gib: 440,
        },
    ),
    (
        "Standard_NC24ads_A100_v4",
        NodeSize {
            vcpus: 24,
            memory_gib: 220,
        },
    ),
    (
        "Standard_NC48ads_A100_v4",
        NodeSize {
            vcpus: 48,
            memory_gib: 440,
        },
    ),
    (
        "Standard_NC96ads_A100_v4",
        NodeSize {
            vcpus: 96,
            memory_gib: 880,
        },
    ),
    (
        "Standard_ND96isr_H100_v5",
        NodeSize {
            vcpus: 96,
            memory_gib: 1900,
        },
    ),
    (
        "Standard_D4s_v3",
        NodeSize {
            vcpus: 4,
            memory_gib: 16,
        },
    ),
    (
        "Standard_D8s_v3",
        NodeSize {
            vcpus: 8,
            memory_gib: 32,
        },
    ),
    (
        "Standard_D16s_v3",
        NodeSize {
            vcpus: 16,
            memory_gib: 64,
        },
    ),
    (
        "Standard_D4s_v5",
        NodeSize {
            vcpus: 4,
            memory_gib: 16,
        },
    ),
    (
        "Standard_D8s_v5",
        NodeSize {
            vcpus: 8,
            memory_gib: 32,
        },
    ),
    (
        "Standard_D16s_v5",
        NodeSize {
            vcpus: 16,
            memory_gib: 64,
        },
    ),
    (
        "g2-standard-4",
        NodeSize {
            vcpus: 4,
            memory_gib: 16,
        },
    ),
    (
        "g2-standard-8",
        NodeSize {
            vcpus: 8,
            memory_gib: 32,
        },
    ),
    (
        "g2-standard-16",
        NodeSize {
            vcpus: 16,
            memory_gib: 64,
        },
    ),
    (
        "g2-standard-24",
        NodeSize {
            vcpus: 24,
            memory_gib: 96,
        },
    ),
    (
        "g2-standard-48",
        NodeSize {
            vcpus: 48,
            memory_gib: 192,
        },
    ),
    (
        "g2-standard-96",
        NodeSize {
            vcpus: 96,
            memory_gib: 384,
        },
    ),
    (
        "a2-highgpu-1g",
        NodeSize {
            vcpus: 12,
            memory_gib: 85,
        },
    ),
    (
        "a2-highgpu-2g",
        NodeSize {
            vcpus: 24,
            memory_gib: 170,
        },
    ),
    (
        "a2-highgpu-4g",
        NodeSize {
            vcpus: 48,
            memory_gib: 340,
        },
    ),
    (
        "a2-highgpu-8g",
        NodeSize {
            vcpus: 96,
            memory_gib: 680,
        },
    ),
    (
        "a3-highgpu-8g",
        NodeSize {
            vcpus: 208,
            memory_gib: 1872,
        },
    ),
    (
        "n2-standard-4",
        NodeSize {
            vcpus: 4,
            memory_gib: 16,
        },
    ),
    (
        "n2-standard-8",
        NodeSize {
            vcpus: 8,
            memory_gib: 32,
        },
    ),
    (
        "n2-standard-16",
        NodeSize {
            vcpus: 16,
            memory_gib: 64,
        },
    ),
    (
        "n2-standard-32",
        NodeSize {
            vcpus: 32,
            memory_gib: 128,
        },
    ),
];

/// CPU and memory of one node of a known instance type, when the catalog
/// has them (every GPU type does; AWS `metal` CPU sizes do not).
pub fn node_size(instance_type: &str) -> Option<NodeSize> {
    lookup(instance_type)?;
    if let Some((family, size)) = instance_type.split_once('.') {
        if aws_gpu(family, size).is_some() {
            return aws_gpu_node(family, size);
        }
        if AWS_CPU_FAMILIES.contains(&family) {
            return aws_cpu_node(family, size);
        }
    }
    OTHER_NODES
        .iter()
        .find(|(name, _)| *name == instance_type)
        .map(|(_, n)| *n)
}

/// Looks an instance type up in every cloud's table.
pub fn lookup(instance_type: &str) -> Option<InstanceSpec> {
    if let Some((family, size)) = instance_type.split_once('.') {
        if let Some(spec) = aws_gpu(family, size) {
            return Some(spec);
        }
        if AWS_CPU_FAMILIES.contains(&family) && AWS_CPU_SIZES.contains(&size) {
            return Some(InstanceSpec::CPU);
        }
    }
    AZURE
        .iter()
        .chain(GCP)
        .find(|(name, _)| *name == instance_type)
        .map(|(_, spec)| *spec)
}

/// Every known name, for did-you-mean suggestions.
pub fn known_names() -> Vec<String> {
    let mut names = Vec::new();
    for family in [
        "g4dn", "g5", "g6", "g6e", "p3", "p4d", "p4de", "p5", "p5e", "p5en",
    ] {
        for size in [
            "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
            "48xlarge", "metal",
        ] {
            if aws_gpu(family, size).is_some() {
                names.push(format!("{family}.{size}"));
            }
        }
    }
    for family in AWS_CPU_FAMILIES {
        for size in AWS_CPU_SIZES {
            names.push(format!("{family}.{size}"));
        }
    }
    names.extend(AZURE.iter().chain(GCP).map(|(n, _)| n.to_string()));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_reference_pools() {
        assert_eq!(lookup("g6.8xlarge"), Some(InstanceSpec::gpu(1, L4)));
        assert_eq!(lookup("g4dn.12xlarge"), Some(InstanceSpec::gpu(4, T4)));
        assert_eq!(lookup("g5.48xlarge"), Some(InstanceSpec::gpu(8, A10G)));
        assert_eq!(
            lookup("p4d.24xlarge")
                .unwrap()
                .accelerator
                .unwrap()
                .memory_gib,
            40
        );
        assert_eq!(lookup("m6i.4xlarge"), Some(InstanceSpec::CPU));
        assert_eq!(lookup("Standard_NC4as_T4_v3").unwrap().gpus, 1);
    }

    #[test]
    fn knows_the_size_of_every_gpu_node() {
        assert_eq!(node_size("g6.8xlarge"), node(32, 128));
        assert_eq!(node_size("g5.12xlarge"), node(48, 192));
        assert_eq!(node_size("g6e.xlarge"), node(4, 32));
        assert_eq!(node_size("p4d.24xlarge"), node(96, 1152));
        assert_eq!(node_size("m6i.4xlarge"), node(16, 64));
        assert_eq!(node_size("c6i.4xlarge"), node(16, 32));
        assert_eq!(node_size("t3.medium"), node(2, 4));
        assert_eq!(node_size("m6i.metal"), None);
        assert_eq!(node_size("banana"), None);
        for name in known_names() {
            let spec = lookup(&name).unwrap();
            if spec.is_gpu() {
                assert!(node_size(&name).is_some(), "{name} has no node size");
            }
        }
    }

    #[test]
    fn refuses_unknown_types() {
        assert_eq!(lookup("g6.9xlarge"), None);
        assert_eq!(lookup("banana"), None);
        assert!(known_names().iter().all(|n| lookup(n).is_some()));
    }
}
