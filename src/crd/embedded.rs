//! The shape of the embedded CRD documents ([`super::BUILTIN_JSON`]): only what names a schema
//! is read; each version's `openAPIV3Schema` stays text until an object of its kind is first
//! validated. Generated `apiextensions.k8s.io/v1` CRDs only (a user's CRD files take the
//! general path, [`super::CrdCatalog::from_texts`]).

use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
pub(super) struct Crd<'a> {
    #[serde(borrow)]
    pub metadata: Metadata<'a>,
    #[serde(borrow)]
    pub spec: Spec<'a>,
}

#[derive(Deserialize)]
pub(super) struct Metadata<'a> {
    pub name: &'a str,
}

#[derive(Deserialize)]
pub(super) struct Spec<'a> {
    pub group: &'a str,
    #[serde(borrow)]
    pub names: Names<'a>,
    #[serde(borrow)]
    pub versions: Vec<Version<'a>>,
}

#[derive(Deserialize)]
pub(super) struct Names<'a> {
    pub kind: &'a str,
}

#[derive(Deserialize)]
pub(super) struct Version<'a> {
    pub name: &'a str,
    #[serde(borrow)]
    pub schema: Option<Schema<'a>>,
}

#[derive(Deserialize)]
pub(super) struct Schema<'a> {
    #[serde(rename = "openAPIV3Schema", borrow)]
    pub openapi: &'a RawValue,
}
