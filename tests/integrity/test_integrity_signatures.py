"""Model signatures: folders signed in the test with the `model-signing` library (keys and a CA made
in the test), verified offline, then tampered with; signer stated vs authenticated; CLI trust flags."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

import truecard
from support.files import ROOT, write, write_safetensors
from truecard.cli import app
from truecard.integrity import TrustError, trusting
from truecard.reports import render

model_signing = pytest.importorskip("model_signing")

from cryptography import x509  # noqa: E402  (after the skip: model-signing brings cryptography)
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402


def _keypair(d: Path, name: str) -> tuple[Path, Path, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    priv, pub = d / f"{name}.key", d / f"{name}.pub"
    priv.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    pub.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    return priv, pub, key


def _model(d: Path) -> Path:
    write(d / "README.md", "---\nlicense: apache-2.0\n---\n# Signed model\n")
    write(d / "config.json", json.dumps({"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"]}))
    write_safetensors(d / "model.safetensors")
    return d


def _hashing() -> object:
    return model_signing.hashing.Config().set_ignored_paths(paths=["model.sig"])


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(model folder, the signer's public key, someone else's public key)."""
    keys = tmp_path / "keys"
    keys.mkdir()
    priv, pub, _ = _keypair(keys, "signer")
    _, other, _ = _keypair(keys, "other")
    m = _model(tmp_path / "model")
    model_signing.signing.Config().use_elliptic_key_signer(private_key=priv).set_hashing_config(
        _hashing()).sign(m, m / "model.sig")
    return m, pub, other


def test_signed_folder_digests_match_and_signer_is_only_stated(signed: tuple[Path, Path, Path]) -> None:
    m, _pub, _ = signed
    (sig,) = truecard.scan(m).integrity.signatures
    assert sig.path == "model.sig" and sig.method == "key"
    assert sig.verdict == "digests-match" and sig.authenticated is None
    assert sorted(sig.matched) == ["README.md", "config.json", "model.safetensors"]
    assert not sig.mismatched and not sig.missing and not sig.uncovered
    assert sig.signer.startswith("public key sha256:")


def test_trusted_key_authenticates_then_one_changed_byte_is_a_mismatch(signed: tuple[Path, Path, Path]) -> None:
    m, pub, _ = signed
    with trusting(keys=[pub]):
        (sig,) = truecard.scan(m).integrity.signatures
    assert sig.verdict == "verified" and sig.authenticated is True, sig.message
    data = bytearray((m / "model.safetensors").read_bytes())
    data[-1] ^= 0x01  # one byte of one tensor
    (m / "model.safetensors").write_bytes(bytes(data))
    write(m / "notes.txt", "added after signing\n")
    with trusting(keys=[pub]):
        card = truecard.scan(m)
    (sig,) = card.integrity.signatures
    assert sig.verdict == "mismatch" and sig.authenticated is True
    assert sig.mismatched == ["model.safetensors"] and "config.json" in sig.matched
    assert sig.uncovered == ["notes.txt"]
    assert any(w.startswith("model signature mismatch") for w in card.warnings)
    sarif = json.loads(render(card, "sarif", base_dir=m))
    jsonschema.Draft4Validator(json.loads((ROOT / "tests/data/schemas/sarif-schema-2.1.0.json").read_text())).validate(sarif)
    (err,) = [r for r in sarif["runs"][0]["results"] if r["level"] == "error"]
    assert err["ruleId"] == "integrity/signature-mismatch"
    assert err["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "model.safetensors"
    assert "MISMATCH" in render(card, "markdown") and "MISMATCH" in render(card, "html")


def test_wrong_key_is_untrusted(signed: tuple[Path, Path, Path]) -> None:
    m, _, other = signed
    with trusting(keys=[other]):
        (sig,) = truecard.scan(m).integrity.signatures
    assert sig.verdict == "untrusted" and sig.authenticated is False
    assert "does NOT verify" in sig.message


def test_missing_signed_file(signed: tuple[Path, Path, Path]) -> None:
    m, _pub, _ = signed
    (m / "config.json").unlink()
    (sig,) = truecard.scan(m).integrity.signatures
    assert sig.verdict == "mismatch" and sig.missing == ["config.json"]


def test_certificate_signed_model_verified_with_the_ca(tmp_path: Path) -> None:
    keys = tmp_path / "pki"
    keys.mkdir()
    _, _, ca_key = _keypair(keys, "ca")
    leaf_priv, _, leaf_key = _keypair(keys, "leaf")
    now = dt.datetime.now(dt.UTC)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Model CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "release-bot")]))
            .issuer_name(ca_name).public_key(leaf_key.public_key()).serial_number(2)
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.RFC822Name("release@example.org")]), critical=False)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=False, crl_sign=False,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    (keys / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (keys / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    m = _model(tmp_path / "model")
    model_signing.signing.Config().use_certificate_signer(
        private_key=leaf_priv, signing_certificate=keys / "leaf.pem", certificate_chain=[keys / "ca.pem"]
    ).set_hashing_config(_hashing()).sign(m, m / "model.sig")
    (sig,) = truecard.scan(m).integrity.signatures
    assert sig.method == "certificate" and sig.verdict == "digests-match"
    assert "release@example.org" in sig.signer and "release-bot" in sig.signer
    r = CliRunner().invoke(app, ["scan", str(m), "-f", "json", "--trust-cert", str(keys / "ca.pem")])
    assert r.exit_code == 0, r.output
    (sig,) = json.loads(r.stdout)["integrity"]["signatures"]
    assert sig["verdict"] == "verified" and sig["authenticated"] is True


def test_cli_trust_key_and_bad_trust_files(signed: tuple[Path, Path, Path], tmp_path: Path) -> None:
    m, pub, _ = signed
    r = CliRunner().invoke(app, ["scan", str(m), "-f", "json", "--trust-key", str(pub)])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["integrity"]["signatures"][0]["verdict"] == "verified"
    for args, msg in ((["--trust-key", str(tmp_path / "nope.pub")], "--trust-key"),
                      (["--trust-key", str(m / "README.md")], "not a PEM public key"),
                      (["--trust-cert", str(pub)], "not a PEM certificate")):
        r = CliRunner().invoke(app, ["scan", str(m), *args])
        assert r.exit_code == 2 and msg in r.output and "Traceback" not in r.output
    with pytest.raises(TrustError):
        trusting(keys=[tmp_path / "nope.pub"]).__enter__()


def test_a_sig_file_that_is_no_bundle_is_ignored_and_a_broken_one_is_invalid(tmp_path: Path) -> None:
    m = _model(tmp_path / "m")
    write(m / "release.sig", "-----BEGIN PGP SIGNATURE-----\nnot a sigstore bundle\n")
    assert truecard.scan(m).integrity.signatures == []
    write(m / "model.sig", json.dumps({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
                                       "verificationMaterial": {"publicKey": {"hint": "ab"}},
                                       "dsseEnvelope": {"payload": "bm90IGpzb24=", "payloadType": "x", "signatures": []}}))
    (sig,) = truecard.scan(m).integrity.signatures
    assert sig.verdict == "invalid" and "cannot be read" in sig.message


def test_sigstore_keyless_bundle_identity_is_stated_not_authenticated(signed: tuple[Path, Path, Path]) -> None:
    """A Fulcio-style certificate (e-mail SAN, OIDC issuer extension) around the same signed statement."""
    import base64

    m, pub, _ = signed
    bundle = json.loads((m / "model.sig").read_text())
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sigstore.dev")])
    cert = (x509.CertificateBuilder().subject_name(x509.Name([])).issuer_name(name).public_key(key.public_key())
            .serial_number(3).not_valid_before(now).not_valid_after(now + dt.timedelta(minutes=10))
            .add_extension(x509.SubjectAlternativeName([x509.RFC822Name("maintainer@example.org")]), critical=True)
            .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.1"),
                                                      b"https://accounts.example.com"), critical=False)
            .sign(key, hashes.SHA256()))
    bundle["verificationMaterial"] = {"certificate": {"rawBytes": base64.b64encode(
        cert.public_bytes(serialization.Encoding.DER)).decode()}, "tlogEntries": []}
    (m / "model.sig").write_text(json.dumps(bundle))
    with trusting(keys=[pub]):
        (sig,) = truecard.scan(m).integrity.signatures
    assert sig.method == "sigstore" and sig.authenticated is None
    assert "maintainer@example.org" in sig.signer and "https://accounts.example.com" in sig.signer
    assert sig.verdict == "digests-match" and "not authenticated offline" in sig.authentication
