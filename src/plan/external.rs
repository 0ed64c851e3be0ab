//! External models (subscription era): the ExternalModel a MaaSModelRef of
//! kind ExternalModel exposes, in the RHOAI 3.4 `maas.opendatahub.io/v1alpha1`
//! shape (models-as-a-service v0.1.1 `docs/content/install/external-model-setup.md`;
//! RHOAI 3.5 still serves it as the legacy kind maas-controller v0.2.1 falls
//! back to). The credentials Secret is the user's: maasc only names it.

use super::objects::{self as o, PlannedObject, SKIP_DRY_RUN};
use crate::model::{ExternalSource, Model};

/// The ExternalModel of `m`, same name and namespace as its MaaSModelRef.
pub(super) fn external_model(m: &Model, source: &ExternalSource) -> PlannedObject {
    PlannedObject::namespaced(
        m.namespace.as_str(),
        m.name.as_str(),
        o::ExternalModel {
            annotations: o::sync_options(SKIP_DRY_RUN),
            provider: source.provider.as_str().to_string(),
            endpoint: source.endpoint.clone(),
            credentials_secret: source.credentials_secret.clone(),
            target_model: source.target_model.clone(),
        },
    )
}
