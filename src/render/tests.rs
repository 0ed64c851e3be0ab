//! Every template against typed context fixtures:
//! `tests/templates/<template>@<case>.yaml`, each the object type, its name
//! and namespace, and the context as plan would produce it. The snapshot is
//! the template's contract.

use serde::Deserialize;

use super::Renderer;
use crate::plan::{Context, PlannedContent, PlannedFile, PlannedObject};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    #[serde(rename = "type")]
    object_type: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    namespace: Option<String>,
    context: serde_json::Value,
}

fn planned(fixture: Fixture) -> PlannedContent {
    if fixture.object_type == "Kustomization" {
        return PlannedContent::Kustomization(
            serde_json::from_value(fixture.context).expect("a Kustomization context"),
        );
    }
    let context: Context = serde_json::from_value(serde_json::json!({
        "type": fixture.object_type,
        "context": fixture.context,
    }))
    .expect("a context of the named template");
    let (api_version, kind) = context.type_meta();
    PlannedContent::Object(PlannedObject {
        api_version,
        kind,
        template: context.template(),
        namespace: fixture.namespace,
        name: fixture.name,
        context,
    })
}

#[test]
fn templates_render_their_fixtures() {
    let renderer = Renderer::new(None).unwrap();
    insta::glob!("../../tests/templates", "*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let fixture: Fixture = serde_saphyr::from_str(&text).unwrap();
        let file = PlannedFile {
            path: "fixture.yaml".to_string(),
            content: planned(fixture),
        };
        let rendered = renderer.render_file(&file).unwrap();
        // The output is YAML.
        let _: serde_json::Value = serde_saphyr::from_str(&rendered.content).unwrap();
        insta::assert_snapshot!(rendered.content);
    });
}

#[test]
fn every_template_has_a_fixture() {
    for (name, _) in super::TEMPLATES {
        let stem = name.trim_end_matches(".yaml");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/templates");
        let found = std::fs::read_dir(&dir).unwrap().any(|e| {
            let file = e.unwrap().file_name().to_string_lossy().into_owned();
            file == format!("{stem}.yaml") || file.starts_with(&format!("{stem}@"))
        });
        assert!(found, "template {name} has no fixture in {}", dir.display());
    }
}

#[test]
fn a_released_template_compiles_again_on_its_next_use() {
    let mut renderer = Renderer::new(None).unwrap();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/templates/maas-model-ref@tenants-maasmodelref-embedder.yaml"),
    )
    .unwrap();
    let file = || PlannedFile {
        path: "fixture.yaml".to_string(),
        content: planned(serde_saphyr::from_str(&text).unwrap()),
    };
    let first = renderer.render_file(&file()).unwrap().content;
    renderer.release("maas-model-ref.yaml");
    assert!(renderer.compiled.iter().all(|c| c.get().is_none()));
    assert_eq!(renderer.render_file(&file()).unwrap().content, first);
    assert_eq!(
        renderer
            .compiled
            .iter()
            .filter(|c| c.get().is_some())
            .count(),
        1
    );
}
