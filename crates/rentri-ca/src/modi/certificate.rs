//! What the operator's certificate tells the signer: whether it is valid now, which algorithm
//! its key needs, and the operator id that becomes `iss`.

use x509_parser::certificate::X509Certificate;
use x509_parser::objects::{oid_registry, oid2sn};
use x509_parser::oid_registry::{OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_PKCS1_RSAENCRYPTION};
use x509_parser::prelude::{ASN1Time, FromDer as _};

use super::{JwsAlgorithm, ModiError};

/// Where the RENTRI domain certificate puts the operator's codice fiscale in its subject.
const OPERATOR_ID_PREFIX: &str = "CF:IT-";

pub(super) fn parse(der: &[u8]) -> Result<X509Certificate<'_>, ModiError> {
    let (rest, certificate) =
        X509Certificate::from_der(der).map_err(|e| ModiError::Certificate(e.to_string()))?;
    if !rest.is_empty() {
        return Err(ModiError::Certificate(
            "trailing bytes after the certificate".into(),
        ));
    }
    Ok(certificate)
}

/// Refuses a certificate outside its validity period: RENTRI would refuse every token.
pub(super) fn check_validity(certificate: &X509Certificate<'_>) -> Result<(), ModiError> {
    let validity = certificate.validity();
    let now = ASN1Time::now();
    if now < validity.not_before {
        return Err(ModiError::NotYetValid(validity.not_before.to_string()));
    }
    if now > validity.not_after {
        return Err(ModiError::Expired(validity.not_after.to_string()));
    }
    Ok(())
}

/// The algorithm the certificate's key signs with, or which key it has if RENTRI cannot use it.
pub(super) fn key_algorithm(certificate: &X509Certificate<'_>) -> Result<JwsAlgorithm, ModiError> {
    let algorithm = &certificate.public_key().algorithm;
    let name = |oid| oid2sn(oid, oid_registry()).map_or_else(|_| oid.to_id_string(), str::to_owned);
    if algorithm.algorithm == OID_PKCS1_RSAENCRYPTION {
        return Ok(JwsAlgorithm::Rs256);
    }
    if algorithm.algorithm != OID_KEY_TYPE_EC_PUBLIC_KEY {
        return Err(ModiError::UnsupportedKeyType(name(&algorithm.algorithm)));
    }
    match algorithm.parameters.as_ref().map(|p| p.as_oid()) {
        Some(Ok(curve)) if curve == OID_EC_P256 => Ok(JwsAlgorithm::Es256),
        Some(Ok(curve)) => Err(ModiError::UnsupportedKeyType(format!(
            "EC {}",
            name(&curve)
        ))),
        _ => Err(ModiError::UnsupportedKeyType(
            "EC without a named curve".into(),
        )),
    }
}

/// The public key as the certificate holds it: the EC point, or the PKCS#1 RSA public key.
pub(super) fn public_key<'a>(certificate: &'a X509Certificate<'_>) -> &'a [u8] {
    &certificate.public_key().subject_public_key.data
}

/// The codice fiscale after `CF:IT-` in any attribute of the subject, as RENTRI expects in `iss`.
pub(super) fn operator_id(certificate: &X509Certificate<'_>) -> Result<String, ModiError> {
    certificate
        .subject()
        .iter_attributes()
        .filter_map(|attribute| attribute.as_str().ok())
        .find_map(|value| {
            let (_, id) = value.split_once(OPERATOR_ID_PREFIX)?;
            let id = id.split([',', ' ']).next().unwrap_or_default();
            (!id.is_empty()).then(|| id.to_owned())
        })
        .ok_or_else(|| ModiError::NoOperatorId(certificate.subject().to_string()))
}
