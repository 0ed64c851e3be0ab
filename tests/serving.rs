//! The serving matrix: model size × GPU type × GPU count (× parallelism) →
//! refused with which codes, or accepted with the parallelism, vLLM flags,
//! pods and resources maasc chose. The snapshot is the table.

mod common;

use common::serving::{MATRIX, inference_services};
use serde_json::Value;

fn accepted(llmis: &Value) -> String {
    let spec = &llmis["spec"];
    let main = &spec["template"]["containers"][0];
    let args = main["env"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["name"] == "VLLM_ADDITIONAL_ARGS")
        .and_then(|e| e["value"].as_str())
        .unwrap_or_default()
        .split(' ')
        .filter(|a| a.contains("parallel"))
        .collect::<Vec<_>>()
        .join(" ");
    let limits = &main["resources"]["limits"];
    let pods = if spec["worker"].is_null() {
        "1 pod".to_string()
    } else {
        "leader + workers".to_string()
    };
    format!(
        "parallelism {} | args `{args}` | {pods} × {} GPU, cpu {}, memory {}",
        serde_json::to_string(&spec["parallelism"]).unwrap(),
        limits["nvidia.com/gpu"].as_str().unwrap_or("0"),
        limits["cpu"].as_str().unwrap_or_default(),
        limits["memory"].as_str().unwrap_or_default(),
    )
}

#[test]
fn the_serving_matrix() {
    let mut table = String::new();
    for case in MATRIX {
        let row = match case.load() {
            Ok(loaded) => {
                let llmis = inference_services(&loaded);
                assert_eq!(llmis.len(), 1, "{}", case.label());
                let main = &llmis[0]["spec"]["template"]["containers"][0];
                let gpus = main["resources"]["limits"]["nvidia.com/gpu"]
                    .as_str()
                    .unwrap_or("0");
                // Every GPU of a pod is used: tensor × pipeline per pod.
                let p = &llmis[0]["spec"]["parallelism"];
                let tensor = p["tensor"].as_u64().unwrap_or(1);
                let worker = !llmis[0]["spec"]["worker"].is_null();
                if !worker {
                    let pipeline = p["pipeline"].as_u64().unwrap_or(1);
                    assert_eq!(
                        gpus,
                        (tensor * pipeline).to_string(),
                        "{}: GPUs per pod",
                        case.label()
                    );
                }
                format!("accepted: {}", accepted(&llmis[0]))
            }
            Err(e) => {
                let mut codes: Vec<String> = e
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| d.code.to_string())
                    .collect();
                codes.sort();
                codes.dedup();
                format!("refused: {}", codes.join(" "))
            }
        };
        table.push_str(&format!("{} → {row}\n", case.label()));
    }
    insta::assert_snapshot!(table);
}

#[test]
fn a_32b_model_on_four_24_gb_gpus_is_split_four_ways() {
    // The example: without tensor parallelism vLLM loads all the
    // weights on one A10G and runs out of memory.
    let case = MATRIX
        .iter()
        .find(|c| c.parameters == "32B" && c.instance_type == "g5.12xlarge" && c.gpus == 4)
        .unwrap();
    let llmis = &inference_services(&case.load().unwrap())[0];
    assert_eq!(llmis["spec"]["parallelism"]["tensor"], 4);
    let args = llmis["spec"]["template"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "VLLM_ADDITIONAL_ARGS")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(args.contains("--tensor-parallel-size=4"), "{args}");
    assert!(args.contains("--enable-force-include-usage"), "{args}");
}
